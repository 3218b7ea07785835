/* viz_server/publisher.h - the stream publisher: a ZeroMQ PUB socket and
 * the thread that turns staged profile entries into wire messages
 * (definitions once, per-interval counts, periodic snapshots for late
 * joiners, statistics).  It never receives anything from the network.
 */
#ifndef JP_PUBLISHER_H
#define JP_PUBLISHER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "viz_server/stage.h"
#include "viz_server/wire.h"

typedef struct jp_pub_config {
    const char *endpoint;
    int allow_remote;
    int sndhwm;             /* messages queued per subscriber (ZMQ_SNDHWM) */
    size_t queue_bytes;     /* staging buffer, each of two */
    uint64_t interval_ns;   /* aggregation interval (100 ms) */
    uint64_t grace_ns;      /* wait this long after an interval ends */
    uint64_t snapshot_ns;   /* snapshot period (late joiners) */
    int linger_ms;          /* at close, how long queued messages may wait */
} jp_pub_config;

typedef struct jp_publisher jp_publisher;

/* Bind and start the publisher thread.  NULL with a message in err. */
jp_publisher *jp_pub_open(const jp_pub_config *cfg, char *err, size_t err_cap);
/* Send what is staged, a last snapshot and END, then stop and free.  In a
 * forked child (no thread, a copied ZeroMQ context) nothing is touched. */
void jp_pub_close(jp_publisher *p);
jp_stage *jp_pub_stage(jp_publisher *p);
const char *jp_pub_endpoint(const jp_publisher *p);
uint64_t jp_pub_stream_id(const jp_publisher *p);
/* Counters (JP_ST_*), read without stopping the thread. */
void jp_pub_stats(jp_publisher *p, uint64_t out[JP_ST_COUNT]);
/* Wake the publisher thread now (after a producer staged something). */
void jp_pub_kick(jp_publisher *p);

#endif
