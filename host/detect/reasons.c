#include "reasons.h"

#include <string.h>

static const char *const reason_names[] = {
    "look-alike", "extension", "homoglyph", "bidi", "invisible",
    "trailing", "double-extension", "wrong-folder", "renamed", "look-alike-folder",
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
