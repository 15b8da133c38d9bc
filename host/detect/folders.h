/* Where a binary ran from: paths normalized for comparison (lower-case, no
 * drive, "\\?\", "\Device\HarddiskVolumeN\" and "\SystemRoot\" resolved). */
#ifndef MASQ_FOLDERS_H
#define MASQ_FOLDERS_H

#include <stdbool.h>

#include "known_names.h"

/* The folder of path, normalized, into out: "\windows\system32\" for
 * "C:\Windows\System32\svchost.exe"; "/usr/sbin/" for "/usr/sbin/sshd". */
void masq_folder_of(const char *path, char *out, size_t size);

/* Does a normalized folder belong to the known name's folders? A name with no
 * folder rule accepts every folder. */
bool masq_folder_expected(const masq_known_name *known, const char *folder);

#endif
