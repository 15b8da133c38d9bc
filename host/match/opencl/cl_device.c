#include "cl_device.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

static void describe(masq_cl_device *d)
{
    clGetDeviceInfo(d->device, CL_DEVICE_TYPE, sizeof d->type, &d->type, NULL);
    clGetDeviceInfo(d->device, CL_DEVICE_NAME, sizeof d->name, d->name, NULL);
    clGetDeviceInfo(d->device, CL_DEVICE_VERSION, sizeof d->version, d->version, NULL);
    clGetDeviceInfo(d->device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof d->compute_units,
                    &d->compute_units, NULL);
    clGetDeviceInfo(d->device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof d->local_memory, &d->local_memory,
                    NULL);
    clGetDeviceInfo(d->device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof d->global_memory,
                    &d->global_memory, NULL);
    clGetDeviceInfo(d->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof d->max_work_group,
                    &d->max_work_group, NULL);
    clGetPlatformInfo(d->platform, CL_PLATFORM_NAME, sizeof d->platform_name, d->platform_name,
                      NULL);
    d->name[sizeof d->name - 1] = d->version[sizeof d->version - 1] = '\0';
    d->platform_name[sizeof d->platform_name - 1] = '\0';
}

/* All devices of all platforms, numbered in order. Returns the count, or -1
 * when there is no platform (no ICD, or CL_PLATFORM_NOT_FOUND_KHR). */
static int enumerate(masq_cl_device *devices, char *why, size_t why_size)
{
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint platform_count = 0;
    cl_int error = clGetPlatformIDs(MAX_PLATFORMS, platforms, &platform_count);
    if (error != CL_SUCCESS || platform_count == 0) {
        snprintf(why, why_size, "no OpenCL platform (%s)",
                 error == CL_SUCCESS ? "none installed" : masq_cl_error_name(error));
        return -1;
    }
    int count = 0;
    for (cl_uint p = 0; p < platform_count && p < MAX_PLATFORMS; p++) {
        cl_device_id ids[MAX_DEVICES];
        cl_uint n = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, ids, &n) != CL_SUCCESS)
            continue;
        for (cl_uint d = 0; d < n && count < MAX_DEVICES; d++) {
            masq_cl_device *device = &devices[count];
            memset(device, 0, sizeof *device);
            device->platform = platforms[p];
            device->device = ids[d];
            device->index = (unsigned)count;
            describe(device);
            count++;
        }
    }
    return count;
}

static bool contains_folded(const char *text, const char *part)
{
    size_t n = strlen(text), m = strlen(part);
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && tolower((unsigned char)text[i + j]) == tolower((unsigned char)part[j]))
            j++;
        if (j == m)
            return true;
    }
    return false;
}

static const char *type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU)
        return "gpu";
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    if (type & CL_DEVICE_TYPE_CPU)
        return "cpu";
    return "other";
}

masq_status masq_cl_device_choose(const char *spec, bool allow_cpu, masq_cl_device *chosen,
                                  char *why, size_t why_size)
{
    masq_cl_device devices[MAX_DEVICES];
    int count = enumerate(devices, why, why_size);
    if (count < 0)
        return MASQ_ERR_DEVICE;
    if (count == 0) {
        snprintf(why, why_size, "OpenCL platforms have no devices");
        return MASQ_ERR_DEVICE;
    }
    if (spec == NULL || spec[0] == '\0')
        spec = getenv("MASQ_DEVICE");
    for (int i = 0; i < count; i++) {
        const masq_cl_device *d = &devices[i];
        bool fits;
        if (spec == NULL || spec[0] == '\0') {
            fits = (d->type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0 ||
                   (allow_cpu && (d->type & CL_DEVICE_TYPE_CPU));
        } else if (strspn(spec, "0123456789") == strlen(spec)) {
            fits = (unsigned)atoi(spec) == d->index;
        } else if (strcmp(spec, "cpu") == 0 || strcmp(spec, "gpu") == 0) {
            fits = strcmp(type_name(d->type), spec) == 0;
        } else {
            fits = contains_folded(d->name, spec);
        }
        if (fits) {
            *chosen = *d;
            return MASQ_OK;
        }
    }
    if (spec == NULL || spec[0] == '\0')
        snprintf(why, why_size, "no OpenCL GPU or accelerator (only CPU devices: use --backend "
                                "opencl or --device cpu to run the kernel on one)");
    else
        snprintf(why, why_size, "no OpenCL device matches '%s' (see masq devices)", spec);
    return MASQ_ERR_DEVICE;
}

masq_status masq_cl_devices_print(FILE *out)
{
    masq_cl_device devices[MAX_DEVICES];
    char why[256];
    int count = enumerate(devices, why, sizeof why);
    if (count < 0) {
        fprintf(out, "%s\n", why);
        return MASQ_ERR_DEVICE;
    }
    const char *platform = "";
    for (int i = 0; i < count; i++) {
        const masq_cl_device *d = &devices[i];
        if (strcmp(platform, d->platform_name) != 0) {
            fprintf(out, "platform: %s\n", d->platform_name);
            platform = d->platform_name;
        }
        fprintf(out,
                "  %u  %-11s %s\n      %s, %u compute units, %llu MiB global, %llu KiB local, "
                "work-groups up to %zu\n",
                d->index, type_name(d->type), d->name, d->version, d->compute_units,
                (unsigned long long)(d->global_memory >> 20),
                (unsigned long long)(d->local_memory >> 10), d->max_work_group);
    }
    if (count == 0)
        fprintf(out, "no devices\n");
    return MASQ_OK;
}

bool masq_cl_only_cpu_devices(void)
{
    masq_cl_device devices[MAX_DEVICES];
    char why[256];
    int count = enumerate(devices, why, sizeof why);
    for (int i = 0; i < count; i++)
        if (!(devices[i].type & CL_DEVICE_TYPE_CPU))
            return false;
    return count > 0;
}
