#include "utf16.h"

static size_t put_utf8(unsigned c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6), out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12), out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18), out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F)), out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

size_t masq_utf16_decode(masq_utf16 *u, const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (!u->have_byte) {
            u->byte = in[i];
            u->have_byte = 1;
            continue;
        }
        u->have_byte = 0;
        unsigned unit = u->big_endian ? (unsigned)u->byte << 8 | in[i] : (unsigned)in[i] << 8 | u->byte;
        if (!u->started) {
            u->started = true;
            if (unit == 0xFEFF)
                continue;
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            if (u->high)
                o += put_utf8(0xFFFD, out + o);
            u->high = unit;
            continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            if (u->high) {
                o += put_utf8(0x10000 + ((u->high - 0xD800) << 10) + (unit - 0xDC00), out + o);
                u->high = 0;
            } else {
                o += put_utf8(0xFFFD, out + o);
            }
            continue;
        }
        if (u->high) {
            o += put_utf8(0xFFFD, out + o);
            u->high = 0;
        }
        o += put_utf8(unit, out + o);
    }
    return o;
}
