/* Work-group and tile sizes: a small table keyed by device type and name,
 * overridable from the command line (masq_opencl_tuning, 0 = from here). */
#ifndef MASQ_CL_TUNING_H
#define MASQ_CL_TUNING_H

#include "../match_options.h"
#include "cl_device.h"

/* Fill every zero field of tuning from the table entry that fits the device,
 * and clamp to what the device allows. */
void masq_cl_tuning_resolve(const masq_cl_device *device, masq_opencl_tuning *tuning);

#endif
