/* Where a binary ran from: paths normalized for comparison (lower-case, no
 * drive, "\\?\", "\Device\HarddiskVolumeN\" and "\SystemRoot\" resolved). */
#ifndef MASQ_FOLDERS_H
#define MASQ_FOLDERS_H

#include <stdbool.h>

#include "../names/folder_path.h"
#include "known_names.h"

/* Does a normalized folder belong to the known name's folders? A name with no
 * folder rule accepts every folder. */
bool masq_folder_expected(const masq_known_name *known, const char *folder);

#endif
