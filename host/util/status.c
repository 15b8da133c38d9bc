#include "status.h"

static const struct {
    const char *message;
    int exit_code;
} masq_status_table[MASQ_STATUS_COUNT] = {
    [MASQ_OK] = {"success", 0},
    [MASQ_ERR_USAGE] = {"bad usage", 1},
    [MASQ_ERR_INPUT] = {"bad input", 1},
    [MASQ_ERR_OUTPUT] = {"cannot write results", 1},
    [MASQ_ERR_NOMEM] = {"out of memory", 2},
    [MASQ_ERR_DEVICE] = {"compute backend not available", 2},
    [MASQ_ERR_INTERNAL] = {"internal error", 2},
    [MASQ_ERR_PUBLISH] = {"publishing failed; the results are kept on disk", 3},
};

const char *masq_status_message(masq_status status)
{
    if ((unsigned)status >= MASQ_STATUS_COUNT)
        return "unknown status";
    return masq_status_table[status].message;
}

int masq_status_exit_code(masq_status status)
{
    if ((unsigned)status >= MASQ_STATUS_COUNT)
        return 2;
    return masq_status_table[status].exit_code;
}
