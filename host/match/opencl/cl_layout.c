#include "cl_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Width classes: class c holds lengths (32 << (c - 1), 32 << c], class 0
 * lengths [0, 32]. Names are below 2^31 symbols (masq_pack_add). */
#define ROW_CLASSES 28

masq_status masq_cl_layout_resolve(const masq_cl_device *device, uint32_t *layout, char *why,
                                   size_t why_size)
{
    const char *asked = getenv("MASQ_DEVICE_LAYOUT");
    if (asked != NULL && asked[0] != '\0') {
        if (strcmp(asked, "offsets") == 0) {
            *layout = MASQ_LAYOUT_OFFSETS;
        } else if (strcmp(asked, "rows") == 0) {
            *layout = MASQ_LAYOUT_ROWS;
        } else {
            snprintf(why, why_size, "MASQ_DEVICE_LAYOUT is '%.40s', not 'offsets' or 'rows'",
                     asked);
            return MASQ_ERR_DEVICE;
        }
        return MASQ_OK;
    }
    /* GPUs read a warp's words together: rows. CPU devices (PoCL) run a
     * work-group as a loop over its work-items, each name's run in cache. */
    *layout = device->type & CL_DEVICE_TYPE_CPU ? MASQ_LAYOUT_OFFSETS : MASQ_LAYOUT_ROWS;
    return MASQ_OK;
}

const char *masq_cl_layout_name(uint32_t layout)
{
    return layout == MASQ_LAYOUT_ROWS ? "rows" : "offsets";
}

static unsigned class_of(uint32_t length)
{
    unsigned c = 0;
    while (c + 1 < ROW_CLASSES && length > ((uint64_t)MASQ_ROW_WIDTH_FIRST << c))
        c++;
    return c;
}

/* One side in rows: count names per class, place the classes one after
 * another from *used, then give each name its column. */
static bool rows_place(const masq_view_list *list, masq_device_view *views, uint64_t *used)
{
    uint64_t names[ROW_CLASSES] = {0}, base[ROW_CLASSES], next[ROW_CLASSES] = {0};
    for (size_t v = 0; v < list->count; v++)
        names[class_of(list->items[v].length)]++;
    for (unsigned c = 0; c < ROW_CLASSES; c++) {
        uint64_t stride = (names[c] + MASQ_ROW_ALIGN - 1) / MASQ_ROW_ALIGN * MASQ_ROW_ALIGN;
        base[c] = *used;
        names[c] = stride;
        *used += ((uint64_t)MASQ_ROW_WIDTH_FIRST << c) * stride;
        if (*used > UINT32_MAX)
            return false;
    }
    for (size_t v = 0; v < list->count; v++) {
        const masq_view *view = &list->items[v];
        unsigned c = class_of(view->length);
        views[v] = (masq_device_view){(uint32_t)(base[c] + next[c]++), view->length, view->group,
                                      (uint32_t)names[c]};
    }
    return true;
}

/* One side in offsets: each name's run after the last. */
static bool offsets_place(const masq_view_list *list, masq_device_view *views, uint64_t *used)
{
    for (size_t v = 0; v < list->count; v++) {
        const masq_view *view = &list->items[v];
        views[v] = (masq_device_view){(uint32_t)*used, view->length, view->group, 1};
        *used += view->length;
        if (*used > UINT32_MAX)
            return false;
    }
    return true;
}

masq_status masq_cl_layout_pack(uint32_t layout, const masq_view_list *frequent,
                                const masq_view_list *infrequent, const uint16_t *ids,
                                masq_device_view *views[2], uint16_t **symbols, size_t *count,
                                char *why, size_t why_size)
{
    const masq_view_list *sides[2] = {frequent, infrequent};
    bool (*place)(const masq_view_list *, masq_device_view *, uint64_t *) =
        layout == MASQ_LAYOUT_ROWS ? rows_place : offsets_place;
    uint64_t used = 0;
    *symbols = NULL;
    *count = 0;
    for (int s = 0; s < 2; s++) {
        if (!place(sides[s], views[s], &used)) {
            snprintf(why, why_size, "names too long in all for 32-bit indexes (%s layout)",
                     masq_cl_layout_name(layout));
            return MASQ_ERR_DEVICE;
        }
    }
    /* Padding stays 0; the kernel reads symbols [0, length) only. At least
     * 16 bytes: an empty buffer is made as one of 16. */
    *symbols = calloc(used > 8 ? (size_t)used : 8, sizeof **symbols);
    if (*symbols == NULL)
        return MASQ_ERR_NOMEM;
    for (int s = 0; s < 2; s++) {
        for (size_t v = 0; v < sides[s]->count; v++) {
            const masq_view *view = &sides[s]->items[v];
            const masq_device_view *dv = &views[s][v];
            for (uint32_t p = 0; p < view->length; p++)
                (*symbols)[masq_symbol_index(dv->offset, dv->stride, p)] = ids[view->symbols[p]];
        }
    }
    *count = (size_t)used;
    return MASQ_OK;
}
