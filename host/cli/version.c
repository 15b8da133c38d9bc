/* masq --version: the version, the commit it was built from, each library's version as
 * built against (headers) and as loaded now, and the OpenCL headers, target version and
 * the platforms the ICD loader offers. */
#include "cli/version.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <unicode/uversion.h>
#include <zlib.h>

#include <CL/cl.h>

#include "masq.h"
#include "masq_build_info.h"

#ifndef MASQ_OPENCL_HEADERS
#define MASQ_OPENCL_HEADERS "unknown"
#endif

#define STR2(x) #x
#define STR(x) STR2(x)

static void print_opencl_platforms(FILE *out)
{
    cl_uint count = 0;
    if (clGetPlatformIDs(0, NULL, &count) != CL_SUCCESS || count == 0) {
        fprintf(out, "opencl platforms: none (masq runs on the CPU; see 'masq devices')\n");
        return;
    }
    cl_platform_id ids[16];
    if (count > 16)
        count = 16;
    if (clGetPlatformIDs(count, ids, NULL) != CL_SUCCESS) {
        fprintf(out, "opencl platforms: none readable\n");
        return;
    }
    for (cl_uint i = 0; i < count; i++) {
        char name[256] = "", version[256] = "";
        clGetPlatformInfo(ids[i], CL_PLATFORM_NAME, sizeof name - 1, name, NULL);
        clGetPlatformInfo(ids[i], CL_PLATFORM_VERSION, sizeof version - 1, version, NULL);
        fprintf(out, "opencl platform %u: %s (%s)\n", (unsigned)i, name, version);
    }
}

int masq_version_print(FILE *out)
{
    UVersionInfo icu;
    char icu_text[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(icu);
    u_versionToString(icu, icu_text);
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

    fprintf(out, "masq %s\n", MASQ_VERSION);
    fprintf(out, "commit: %s\n", MASQ_BUILD_COMMIT);
    fprintf(out, "built against: cJSON %d.%d.%d, ICU %s, zlib %s, libcurl %s, %s\n",
            CJSON_VERSION_MAJOR, CJSON_VERSION_MINOR, CJSON_VERSION_PATCH, U_ICU_VERSION,
            ZLIB_VERSION, LIBCURL_VERSION, OPENSSL_VERSION_TEXT);
    fprintf(out, "running with: cJSON %s, ICU %s, zlib %s, libcurl %s, %s\n", cJSON_Version(),
            icu_text, zlibVersion(), curl->version, OpenSSL_version(OPENSSL_VERSION));
    fprintf(out, "opencl: headers %s, kernels and host code for OpenCL %d.%d (CL_TARGET_OPENCL_VERSION %s), "
                 "through the ICD loader\n",
            MASQ_OPENCL_HEADERS, CL_TARGET_OPENCL_VERSION / 100, CL_TARGET_OPENCL_VERSION / 10 % 10,
            STR(CL_TARGET_OPENCL_VERSION));
    print_opencl_platforms(out);
    return 0;
}
