/* With --baseline: what the fleet's history says of each finding's
 * suspicious name (FirstSeenInFleet, NewInFleet, NewOnHost). */
#ifndef MASQ_HISTORY_FACTS_H
#define MASQ_HISTORY_FACTS_H

#include "../baseline/baseline.h"
#include "../result.h"

masq_status masq_history_facts(masq_baseline *baseline, masq_result *result);

#endif
