#include "cl_tuning.h"

#include <string.h>

typedef struct tuning_row {
    cl_device_type type;
    const char *name_part; /* NULL: any device of the type */
    masq_opencl_tuning tuning;
} tuning_row;

/* First match wins. CPU devices (PoCL) run a work-group as a loop: fewer,
 * longer tiles; GPUs want many work-items in flight. */
static const tuning_row table[] = {
    {CL_DEVICE_TYPE_GPU, "NVIDIA", {256, 32, 8192, 1u << 20}},
    {CL_DEVICE_TYPE_GPU, NULL, {128, 32, 4096, 1u << 20}},
    {CL_DEVICE_TYPE_ACCELERATOR, NULL, {64, 16, 2048, 1u << 18}},
    {CL_DEVICE_TYPE_CPU, NULL, {64, 32, 2048, 1u << 18}},
};

void masq_cl_tuning_resolve(const masq_cl_device *device, masq_opencl_tuning *tuning)
{
    const masq_opencl_tuning *row = &table[sizeof table / sizeof *table - 1].tuning;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        if (!(device->type & table[i].type))
            continue;
        if (table[i].name_part && strstr(device->name, table[i].name_part) == NULL)
            continue;
        row = &table[i].tuning;
        break;
    }
    if (tuning->work_group_size == 0)
        tuning->work_group_size = row->work_group_size;
    if (tuning->frequent_per_group == 0)
        tuning->frequent_per_group = row->frequent_per_group;
    if (tuning->tile_infrequent == 0)
        tuning->tile_infrequent = row->tile_infrequent;
    if (tuning->candidate_capacity == 0)
        tuning->candidate_capacity = row->candidate_capacity;
    if (device->max_work_group > 0 && tuning->work_group_size > device->max_work_group)
        tuning->work_group_size = (uint32_t)device->max_work_group;
}
