/* The device's symbol buffer: where each name's symbols lie, in one of the
 * two layouts of kernels/match_shared.h (offsets into one run of symbols, or
 * fixed-width interleaved rows by width class). Results never depend on it. */
#ifndef MASQ_CL_LAYOUT_H
#define MASQ_CL_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "../../util/status.h"
#include "../join.h"
#include "cl_device.h"

/* The layout for a device: $MASQ_DEVICE_LAYOUT ("offsets" or "rows") when
 * set, else the device's default. MASQ_ERR_DEVICE, with why, for another
 * value. */
masq_status masq_cl_layout_resolve(const masq_cl_device *device, uint32_t *layout, char *why,
                                   size_t why_size);

/* "offsets" or "rows". */
const char *masq_cl_layout_name(uint32_t layout);

/* Lay out both sides of a join: views[0][v] and views[1][v] (arrays of
 * frequent->count and infrequent->count, the caller's) say where view v of
 * each side lies in *symbols (malloc'd, *count entries, kernel symbols through
 * ids[]). MASQ_ERR_DEVICE, with why, when the buffer would need 32-bit
 * indexes past UINT32_MAX. */
masq_status masq_cl_layout_pack(uint32_t layout, const masq_view_list *frequent,
                                const masq_view_list *infrequent, const uint16_t *ids,
                                masq_device_view *views[2], uint16_t **symbols, size_t *count,
                                char *why, size_t why_size);

#endif
