/* How one name turns into another, for an analyst to see the trick at a
 * glance: "svch[o→0]st.exe", "lsass[+s].exe", "sv[ch→hc]ost.exe",
 * "invoice[+U+202E]fdp.exe". Built from an optimal alignment. Inside the
 * brackets every character past ASCII is written U+XXXX, so that a homoglyph
 * shows what it is ("sv[c→U+0441]host.exe"); outside them only invisible
 * characters are. Another extension is one token ("audiodg.[exe→bat]",
 * "audiodg[-.exe]"), not letters. */
#ifndef MASQ_EDIT_SCRIPT_H
#define MASQ_EDIT_SCRIPT_H

#include "../result.h"

/* The table cells (4 bytes each) an edit may use: about 16 MiB. Names whose
 * alignment needs more get the fallback edit, the common prefix and suffix
 * around one bracket that replaces the differing middle ("ab[cd→xyz]ef"). */
#define MASQ_EDIT_MAX_CELLS ((size_t)1 << 22)

/* A new string (free() it), or NULL when out of memory or not UTF-8. Memory
 * is linear in the names' lengths, and at most MASQ_EDIT_MAX_CELLS cells for
 * the alignment (a band |i - j| <= t around the diagonal, t >= the distance). */
char *masq_edit_script(const char *from, const char *to);

/* The same edit letter by letter, extensions included ("audiodg.[e→b][x→a][e→t]"):
 * the optimal alignment alone, as the tests check it against a full table. */
char *masq_edit_alignment(const char *from, const char *to);

/* The edit that turns a finding's imitated name into its suspicious one, or
 * NULL when there is none to show (no imitated name, or the same name: a
 * wrong folder). The caller frees it. */
char *masq_anomaly_edit(const masq_anomaly *anomaly);

/* Which code points the same edit changes: from_marks[i] (room for from's
 * code points) is 1 when from's i-th is deleted, replaced or transposed,
 * to_marks[j] likewise for to's j-th (inserted, replacing, transposed); 0 when
 * kept. 0, or -1 when out of memory or not UTF-8. */
int masq_edit_marks(const char *from, const char *to, unsigned char *from_marks,
                    unsigned char *to_marks);

#endif
