/* Where a binary ran from: a path's folder normalized for comparison and
 * counting (ASCII lower-case, no drive, "\?\", "\Device\HarddiskVolumeN\" and
 * "\SystemRoot\" resolved). */
#ifndef MASQ_FOLDER_PATH_H
#define MASQ_FOLDER_PATH_H

#include <stddef.h>

/* The folder of path, normalized, into out: "\windows\system32\" for
 * "C:\Windows\System32\svchost.exe"; "/usr/sbin/" for "/usr/sbin/sshd"; "" for
 * a bare file name. */
void masq_folder_of(const char *path, char *out, size_t size);

/* How a folder ranks among a name's folders when only some can be kept:
 * 0 for folders any user can write to or that droppers favour (temp folders,
 * user profiles, ProgramData, the recycle bin, /tmp), 1 for other folders,
 * 2 for the system's and installed programs' own (\windows\ but its temp,
 * \program files\, /usr/, /bin/, /sbin/). Smaller ranks are kept first. */
unsigned masq_folder_rank(const char *folder);

#endif
