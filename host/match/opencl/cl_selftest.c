#include "cl_selftest.h"

#include <string.h>

static const char *const frequent[] = {
    "svchost.exe", "lsass.exe", "explorer.exe", "backupprintservice.com", "сvchost.exe",
    "microsoftedgeupdatebrokerservice_x64_installer.exe",
    "averyveryverylongprocessnamethatgoesonandonforwellovertwohundredandsixtycharactersbecause"
    "somevendorsgeneratenameslikethisfromguidsandversionstringsandbuildnumbersandtimestamps"
    "andmoreandmoreandmoreandevenmorecharactersuntilthedevicecannotholditanymoreatall.exe"};
static const char *const infrequent[] = {
    "svch0st.exe", "scvhost.exe", "svchost.com", "lsasss.exe", "explorer.exe.exe",
    "backupprintservcoie.com", "svchost", "svсhost.exe",
    "microsoftedgeupdatebrokerservcie_x64_installer.exe",
    "averyveryverylongprocessnamethatgoesonandonforwellovertwohundredandsixtycharactersbecause"
    "somevendorsgeneratenameslikethisfromguidsandversionstringsandbuildnumbersandtimestamps"
    "andmoreandmoreandmoreandevenmorecharactersuntilthedevicecannotholditanymoreatal.exe"};

/* (frequent, infrequent, true Damerau-Levenshtein distance) at 0.70. */
static const struct {
    uint32_t frequent, infrequent, distance;
} answers[] = {
    {0, 0, 1}, {0, 1, 1}, {0, 2, 3}, {0, 7, 1}, {1, 3, 1}, {3, 5, 2},
    {4, 0, 2}, {4, 1, 2}, {4, 7, 2}, {5, 8, 1}, {6, 9, 1},
};

masq_status masq_cl_selftest_pack(masq_pack *pack)
{
    for (size_t n = 0; n < sizeof frequent / sizeof *frequent; n++)
        MASQ_TRY(masq_pack_add(pack, &pack->frequent, frequent[n], strlen(frequent[n]),
                               (uint32_t)n));
    for (size_t n = 0; n < sizeof infrequent / sizeof *infrequent; n++)
        MASQ_TRY(masq_pack_add(pack, &pack->infrequent, infrequent[n], strlen(infrequent[n]),
                               (uint32_t)n));
    return MASQ_OK;
}

bool masq_cl_selftest_passes(const masq_hits *hits)
{
    if (hits->count != sizeof answers / sizeof *answers)
        return false;
    for (size_t h = 0; h < hits->count; h++)
        if (hits->items[h].frequent != answers[h].frequent ||
            hits->items[h].infrequent != answers[h].infrequent ||
            hits->items[h].distance != answers[h].distance)
            return false;
    return true;
}
