/* Homoglyph skeletons (Unicode TR39 confusables, through ICU's uspoof): two
 * names that look alike have the same skeleton ("svсhost.exe" with a
 * Cyrillic с and "svchost.exe"). ICU's skeletons keep case ('0' maps to 'O'),
 * so they are lower-cased after. */
#ifndef MASQ_SKELETON_H
#define MASQ_SKELETON_H

#include <stddef.h>

#include "../util/status.h"

typedef struct masq_skeleton masq_skeleton;

masq_status masq_skeleton_open(masq_skeleton **skeleton);
void masq_skeleton_close(masq_skeleton *skeleton);

/* The lower-cased skeleton of a UTF-8 name (free() it), or NULL on failure. */
char *masq_skeleton_of(masq_skeleton *skeleton, const char *name, size_t length);

#endif
