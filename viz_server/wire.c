/* viz_server/wire.c - header codec, varints and bounded readers of the
 * stream's wire format (see wire.h and PROTOCOL.md). */
#include "viz_server/wire.h"

#include <stdlib.h>
#include <string.h>

static void
put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

int
jp_wire_header(const uint8_t *msg, size_t len, jp_hdr *h)
{
    memset(h, 0, sizeof *h);
    if (len < JP_WIRE_HDR)
        return JP_HDR_SHORT;
    if (memcmp(msg, JP_WIRE_MAGIC, 4) != 0)
        return JP_HDR_MAGIC;
    h->major = msg[4];
    h->minor = msg[5];
    h->type = msg[6];
    h->flags = msg[7];
    h->stream_id = get_le64(msg + 8);
    h->seq = get_le64(msg + 16);
    h->body_len = get_le32(msg + 24);
    if (h->major != JP_WIRE_MAJOR)
        return JP_HDR_VERSION;
    if (h->body_len > JP_WIRE_MAX_BODY || (size_t)h->body_len != len - JP_WIRE_HDR)
        return JP_HDR_LENGTH;
    return JP_HDR_OK;
}

void
jp_wbuf_free(jp_wbuf *w)
{
    free(w->p);
    memset(w, 0, sizeof *w);
}

static uint8_t *
wbuf_room(jp_wbuf *w, size_t need)
{
    if (w->err)
        return NULL;
    if (w->n + need > w->cap) {
        size_t ncap = w->cap ? w->cap : 4096;
        uint8_t *np;
        while (ncap < w->n + need)
            ncap *= 2;
        np = realloc(w->p, ncap);
        if (np == NULL) {
            w->err = 1;
            return NULL;
        }
        w->p = np;
        w->cap = ncap;
    }
    return w->p + w->n;
}

void
jp_w_begin(jp_wbuf *w, unsigned type, unsigned flags)
{
    uint8_t *h;

    w->n = 0;
    w->err = 0;
    h = wbuf_room(w, JP_WIRE_HDR);
    if (h == NULL)
        return;
    memset(h, 0, JP_WIRE_HDR);
    memcpy(h, JP_WIRE_MAGIC, 4);
    h[4] = JP_WIRE_MAJOR;
    h[5] = JP_WIRE_MINOR;
    h[6] = (uint8_t)type;
    h[7] = (uint8_t)flags;
    w->n = JP_WIRE_HDR;
}

void
jp_w_finish(jp_wbuf *w, uint64_t stream_id, uint64_t seq)
{
    if (w->err || w->n < JP_WIRE_HDR)
        return;
    put_le64(w->p + 8, stream_id);
    put_le64(w->p + 16, seq);
    put_le32(w->p + 24, (uint32_t)(w->n - JP_WIRE_HDR));
}

void
jp_w_u8(jp_wbuf *w, unsigned v)
{
    uint8_t *p = wbuf_room(w, 1);
    if (p) {
        *p = (uint8_t)v;
        w->n++;
    }
}

void
jp_w_varint(jp_wbuf *w, uint64_t v)
{
    uint8_t *p = wbuf_room(w, 10);
    size_t k = 0;
    if (p == NULL)
        return;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        p[k++] = b | (v ? 0x80 : 0);
    } while (v);
    w->n += k;
}

void
jp_w_svarint(jp_wbuf *w, int64_t v)
{
    jp_w_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void
jp_w_bytes(jp_wbuf *w, const void *s, size_t n)
{
    jp_w_varint(w, n);
    jp_w_raw(w, s, n);
}

void
jp_w_raw(jp_wbuf *w, const void *s, size_t n)
{
    uint8_t *p = wbuf_room(w, n);
    if (p) {
        memcpy(p, s, n);
        w->n += n;
    }
}

unsigned
jp_r_u8(jp_rd *r)
{
    if (r->err || r->p >= r->end) {
        r->err = 1;
        return 0;
    }
    return *r->p++;
}

uint64_t
jp_r_varint(jp_rd *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        unsigned b;
        if (r->err || r->p >= r->end)
            break;
        b = *r->p++;
        if (shift == 63 && (b & 0x7e)) /* more than 64 bits */
            break;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->err = 1;
    return 0;
}

int64_t
jp_r_svarint(jp_rd *r)
{
    uint64_t u = jp_r_varint(r);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

uint64_t
jp_r_count(jp_rd *r, uint64_t max)
{
    uint64_t v = jp_r_varint(r);
    if (v > max) {
        r->err = 1;
        return 0;
    }
    return v;
}

const uint8_t *
jp_r_bytes(jp_rd *r, size_t *n, size_t max)
{
    uint64_t len = jp_r_count(r, max);
    const uint8_t *s;
    if (r->err || len > jp_r_left(r)) {
        r->err = 1;
        *n = 0;
        return NULL;
    }
    s = r->p;
    r->p += len;
    *n = (size_t)len;
    return s;
}
