/* The kernel program: its source is embedded at build time from kernels/
 * (cmake/embed_kernels.cmake); $MASQ_KERNEL_DIR loads it from a folder
 * instead, for kernel work. Build failures show the compiler's log. */
#ifndef MASQ_CL_PROGRAM_H
#define MASQ_CL_PROGRAM_H

#include <stddef.h>

#include "../../util/status.h"
#include "cl_check.h"

/* Build the matrix program for one device with the given -D options. */
masq_status masq_cl_program_build(cl_context context, cl_device_id device, const char *options,
                                  cl_program *program, char *why, size_t why_size);

#endif
