/* OpenCL platforms and devices: listing them and choosing one. */
#ifndef MASQ_CL_DEVICE_H
#define MASQ_CL_DEVICE_H

#include <stdbool.h>
#include <stdio.h>

#include "../../util/status.h"
#include "cl_check.h"

typedef struct masq_cl_device {
    cl_platform_id platform;
    cl_device_id device;
    unsigned index; /* across all platforms, as `masq devices` numbers them */
    cl_device_type type;
    char name[128];
    char platform_name[128];
    char version[96];
    cl_uint compute_units;
    cl_ulong local_memory;
    cl_ulong global_memory;
    size_t max_work_group;
} masq_cl_device;

/* Choose a device. spec: NULL (then $MASQ_DEVICE; if that is unset too, the
 * first GPU or accelerator, and a CPU device only when allow_cpu), an index,
 * "cpu", "gpu", or a case-insensitive substring of the device name.
 * MASQ_ERR_DEVICE with the reason in why when none fits. */
masq_status masq_cl_device_choose(const char *spec, bool allow_cpu, masq_cl_device *chosen,
                                  char *why, size_t why_size);

/* True when OpenCL has devices but only CPU ones, which auto leaves to
 * masq's own CPU path (faster on the same cores). */
bool masq_cl_only_cpu_devices(void);

/* Print every platform and device (for `masq devices`). MASQ_ERR_DEVICE when
 * there is no platform at all. */
masq_status masq_cl_devices_print(FILE *out);

#endif
