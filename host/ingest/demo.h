/* Demo events: the notebook's synthetic 4688 events, seeded, and a built-in
 * background day of a small fleet to mix them into (alone they do not reach
 * the notebook's tiers; see SPEC.md, Demo events). Every demo event is marked
 * demo, so it is never mistaken for the user's data. */
#ifndef MASQ_DEMO_H
#define MASQ_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/status.h"
#include "event.h"

typedef masq_status (*masq_demo_sink)(const masq_event *event, void *context);

/* Emit the notebook's synthetic events (and, with background, the built-in
 * fleet day first) to sink, in a fixed order; the same seed gives the same
 * events. */
masq_status masq_demo_generate(uint64_t seed, bool background, masq_demo_sink sink,
                               void *context);

#endif
