#include "skeleton.h"

#include <stdlib.h>
#include <unicode/uspoof.h>

#include "../names/unicode.h"

struct masq_skeleton {
    USpoofChecker *checker;
};

masq_status masq_skeleton_open(masq_skeleton **out)
{
    *out = NULL;
    masq_skeleton *s = malloc(sizeof *s);
    if (s == NULL)
        return MASQ_ERR_NOMEM;
    UErrorCode error = U_ZERO_ERROR;
    s->checker = uspoof_open(&error);
    if (U_FAILURE(error)) {
        free(s);
        return MASQ_ERR_INTERNAL;
    }
    uspoof_setChecks(s->checker, USPOOF_CONFUSABLE, &error);
    *out = s;
    return MASQ_OK;
}

void masq_skeleton_close(masq_skeleton *s)
{
    if (s == NULL)
        return;
    uspoof_close(s->checker);
    free(s);
}

char *masq_skeleton_of(masq_skeleton *s, const char *name, size_t length)
{
    int32_t capacity = (int32_t)length * 4 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        char *out = malloc((size_t)capacity + 1);
        if (out == NULL)
            return NULL;
        UErrorCode error = U_ZERO_ERROR;
        int32_t written =
            uspoof_getSkeletonUTF8(s->checker, 0, name, (int32_t)length, out, capacity, &error);
        if (error == U_BUFFER_OVERFLOW_ERROR) {
            free(out);
            capacity = written + 1;
            continue;
        }
        if (U_FAILURE(error)) {
            free(out);
            return NULL;
        }
        out[written] = '\0';
        char *lowered;
        size_t lowered_length;
        masq_unicode_result result = masq_unicode_lower(out, (size_t)written, &lowered, &lowered_length);
        free(out);
        return result == MASQ_UNICODE_OK ? lowered : NULL;
    }
    return NULL;
}
