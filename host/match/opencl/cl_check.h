/* Every OpenCL call goes through CL_CHECK: on failure it records the call, the
 * error's name and file:line in the context's `why`, logs it at debug level,
 * sets status to MASQ_ERR_DEVICE and jumps to the function's cleanup label. */
#ifndef MASQ_CL_CHECK_H
#define MASQ_CL_CHECK_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <stddef.h>
#include <stdio.h>

/* The name of an OpenCL error code ("CL_OUT_OF_RESOURCES"). */
const char *masq_cl_error_name(cl_int error);

/* Record a failed call in why and log it; returns MASQ_ERR_DEVICE. */
int masq_cl_fail(char *why, size_t why_size, const char *call, cl_int error, const char *file,
                 int line);

#define CL_CHECK_AT(why, why_size, status, label, call)                                        \
    do {                                                                                       \
        cl_int cl_check_error_ = (call);                                                       \
        if (cl_check_error_ != CL_SUCCESS) {                                                   \
            (status) = masq_cl_fail((why), (why_size), #call, cl_check_error_, __FILE__,       \
                                    __LINE__);                                                 \
            goto label;                                                                        \
        }                                                                                      \
    } while (0)

/* For the calls that create an object and report through an error argument. */
#define CL_CHECK_CREATED_AT(why, why_size, status, label, what, error)                        \
    do {                                                                                       \
        if ((error) != CL_SUCCESS) {                                                           \
            (status) = masq_cl_fail((why), (why_size), (what), (error), __FILE__, __LINE__);   \
            goto label;                                                                        \
        }                                                                                      \
    } while (0)

#endif
