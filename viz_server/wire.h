/* viz_server/wire.h - the stream's wire format (see PROTOCOL.md): the
 * fixed message header, message types, and the primitive encoders and
 * decoders (LEB128 varints, zigzag, length-prefixed bytes).
 *
 * Every message is one ZeroMQ frame: a 28-byte little-endian header, then
 * a body of body_len bytes.  The reader never reads past its end and
 * records the first error instead of trusting the input.
 */
#ifndef JP_WIRE_H
#define JP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define JP_WIRE_MAGIC "JPST"
#define JP_WIRE_MAJOR 1
#define JP_WIRE_MINOR 0
#define JP_WIRE_HDR 28
#define JP_WIRE_MAX_BODY (16u << 20)    /* 16 MiB: larger is rejected */
#define JP_WIRE_MAX_STRING 4096         /* longer strings are cut */
#define JP_WIRE_SPLIT 65536             /* encoders start a new message here */

enum jp_msg_type {
    JP_MSG_PROCESS = 1,
    JP_MSG_STRINGS = 2,
    JP_MSG_FUNCS = 3,
    JP_MSG_FRAMES = 4,
    JP_MSG_STACKS = 5,
    JP_MSG_THREADS = 6,
    JP_MSG_INTERVAL = 7,
    JP_MSG_STATS = 8,
    JP_MSG_RECOMMEND = 9,
    JP_MSG_SNAP_BEGIN = 10,
    JP_MSG_TOTALS = 11,
    JP_MSG_SNAP_END = 12,
    JP_MSG_END = 13,
    JP_MSG_TYPE_MAX = 13
};

#define JP_FLAG_SNAPSHOT 0x01u

/* STATS fields, in order (a newer publisher may append more). */
enum jp_stat_field {
    JP_ST_SAMPLES_IN, JP_ST_WEIGHT_IN, JP_ST_STAGE_DROPPED, JP_ST_STAGE_DROPPED_WEIGHT,
    JP_ST_SAMPLER_SAMPLES, JP_ST_SAMPLER_DROPPED, JP_ST_MESSAGES, JP_ST_BYTES,
    JP_ST_SEND_FAILED, JP_ST_SNAPSHOTS, JP_ST_COUNT
};

typedef struct jp_hdr {
    uint8_t major, minor, type, flags;
    uint64_t stream_id, seq;
    uint32_t body_len;
} jp_hdr;

enum { JP_HDR_OK = 0, JP_HDR_SHORT, JP_HDR_MAGIC, JP_HDR_VERSION, JP_HDR_LENGTH };

/* Decode and check the header of a whole message of len bytes. */
int jp_wire_header(const uint8_t *msg, size_t len, jp_hdr *h);

/* A growable output buffer.  On allocation failure err is set and later
 * writes are ignored. */
typedef struct jp_wbuf {
    uint8_t *p;
    size_t n, cap;
    int err;
} jp_wbuf;

void jp_wbuf_free(jp_wbuf *w);
/* Start a message: reset the buffer and reserve the header. */
void jp_w_begin(jp_wbuf *w, unsigned type, unsigned flags);
/* Fill the header in (stream id, sequence number, body length). */
void jp_w_finish(jp_wbuf *w, uint64_t stream_id, uint64_t seq);
void jp_w_u8(jp_wbuf *w, unsigned v);
void jp_w_varint(jp_wbuf *w, uint64_t v);
void jp_w_svarint(jp_wbuf *w, int64_t v);
void jp_w_bytes(jp_wbuf *w, const void *s, size_t n);      /* length-prefixed */
void jp_w_raw(jp_wbuf *w, const void *s, size_t n);        /* as they are */
static inline size_t jp_w_body(const jp_wbuf *w) { return w->n - JP_WIRE_HDR; }

/* A bounded reader.  Any malformed input sets err; reads after an error
 * return 0. */
typedef struct jp_rd {
    const uint8_t *p, *end;
    int err;
} jp_rd;

unsigned jp_r_u8(jp_rd *r);
uint64_t jp_r_varint(jp_rd *r);
int64_t jp_r_svarint(jp_rd *r);
/* A varint that must be <= max (else err). */
uint64_t jp_r_count(jp_rd *r, uint64_t max);
/* Length-prefixed bytes: a pointer into the message (not NUL-terminated). */
const uint8_t *jp_r_bytes(jp_rd *r, size_t *n, size_t max);
static inline size_t jp_r_left(const jp_rd *r) { return (size_t)(r->end - r->p); }

#endif
