/* Where a binary belongs: the folder rules of known names (globs), the
 * classes of folders (the system's own, installed programs', folders any user
 * can write to) and folders made to look like the system's. Folders are
 * normalized by names/folder_path.c: lower-case, no drive, ending in '\'. */
#ifndef MASQ_FOLDERS_H
#define MASQ_FOLDERS_H

#include <stdbool.h>

#include "../names/folder_path.h"
#include "../names/name_table.h"
#include "known_names.h"

/* Does a normalized folder belong to the known name's folders? A name with no
 * folder rule accepts every folder. '*' in a rule stands for any characters
 * inside one folder name. */
bool masq_folder_expected(const masq_known_name *known, const char *folder);

/* A folder of Windows itself: under \windows\ but not one of the folders
 * there that users can write to (\windows\temp\, \windows\tasks\...). */
bool masq_folder_is_system(const char *folder);

/* A folder of installed programs: under \program files\ or \program files (x86)\. */
bool masq_folder_is_vendor(const char *folder);

/* A folder any user can write to: profiles, temp folders, ProgramData, the
 * recycle bin, the drive's root, the writable folders under \windows\. */
bool masq_folder_is_writable(const char *folder);

/* Does the name run from a folder any user can write to (one of its kept folders)? */
bool masq_name_runs_from_writable(const masq_name *name);

/* A writable folder where files are dropped rather than installed: temp
 * folders, Downloads, Desktop, Documents, Public, the profile's or AppData's
 * own root, ProgramData's root, the drive's root, the recycle bin. Programs
 * installed per user (\appdata\local\google\chrome\application\) are not. */
bool masq_folder_is_staging(const char *folder);

/* A folder that imitates the system's: a \system32\ or \syswow64\ segment
 * outside \windows\, a first segment made to read "windows" or "program
 * files" (\windows \, \w1ndows\, \wind0ws\), a \windows\ subfolder made to
 * read system32 or syswow64 (\windows\system32 \). Into imitated (size
 * bytes): what it imitates, "\windows\system32\". */
bool masq_folder_imitates_system(const char *folder, char *imitated, size_t size);

#endif
