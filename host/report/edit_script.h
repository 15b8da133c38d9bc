/* How one name turns into another, for an analyst to see the trick at a
 * glance: "svch[o→0]st.exe", "lsass[+s].exe", "sv[ch→hc]ost.exe",
 * "invoice[+U+202E]fdp.exe". Built from an optimal alignment. */
#ifndef MASQ_EDIT_SCRIPT_H
#define MASQ_EDIT_SCRIPT_H

/* A new string (free() it), or NULL when out of memory or not UTF-8. */
char *masq_edit_script(const char *from, const char *to);

#endif
