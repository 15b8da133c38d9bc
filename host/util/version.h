/* The release, one place for every stage (masq --version, the User-Agent). */
#ifndef MASQ_UTIL_VERSION_H
#define MASQ_UTIL_VERSION_H

#define MASQ_VERSION "0.1.0"

#endif
