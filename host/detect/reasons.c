#include "reasons.h"

#include <string.h>

static const char *const reason_names[] = {
    "look-alike", "extension", "homoglyph", "bidi", "invisible",
    "trailing", "double-extension", "wrong-folder", "renamed", "look-alike-folder", "new-folder",
};

void masq_reasons_format(uint32_t reasons, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < sizeof reason_names / sizeof *reason_names; i++) {
        if (!(reasons & (1u << i)))
            continue;
        if (out[0])
            strncat(out, ",", size - strlen(out) - 1);
        strncat(out, reason_names[i], size - strlen(out) - 1);
    }
}

const char *masq_severity_name(masq_severity severity)
{
    return severity == MASQ_SEVERITY_HIGH ? "high" : severity == MASQ_SEVERITY_MEDIUM ? "medium" : "low";
}

uint32_t masq_reason_of(const char *name, size_t length)
{
    for (size_t i = 0; i < sizeof reason_names / sizeof *reason_names; i++)
        if (strlen(reason_names[i]) == length && memcmp(reason_names[i], name, length) == 0)
            return 1u << i;
    return 0;
}
