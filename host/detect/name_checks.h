/* The checks of one name at a time (the default profile). */
#ifndef MASQ_NAME_CHECKS_H
#define MASQ_NAME_CHECKS_H

#include "detector.h"

masq_status masq_detect_homoglyphs(detector *d);
masq_status masq_detect_unicode_tricks(detector *d);
masq_status masq_detect_renamed(detector *d);

/* folder_checks.c */
masq_status masq_detect_wrong_folders(detector *d);
masq_status masq_detect_lookalike_folders(detector *d);
masq_status masq_detect_new_folders(detector *d);

#endif
