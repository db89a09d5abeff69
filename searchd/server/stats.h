/*
 * stats.h: searchd's counters and latency percentiles, for GET /stats and
 * the line protocol's STATS.
 *
 * Latencies go into a log-linear histogram (exact below 64 µs, then 32
 * buckets per power of two, so any percentile is within ~3%), which takes
 * constant memory and constant time per request however long searchd runs.
 * A sou_stats is touched only by the event-loop thread: no locking.
 */
#ifndef SOU_STATS_H
#define SOU_STATS_H

#include <stdint.h>

#include <jansson.h>

#define SOU_STATS_BUCKETS (64 + 32 * 32)

typedef enum {
    SOU_REQ_SEARCH,
    SOU_REQ_GET,
    SOU_REQ_OTHER, /* PING, STATS, /health, static files, errors before dispatch */
    SOU_REQ_KINDS
} sou_req_kind;

/* Answer statuses counted one by one for /metrics; the rest as "other". */
#define SOU_STATS_STATUSES(X) X(200) X(400) X(404) X(405) X(413) X(500) X(503)
#define SOU_STATS_STATUS_SLOTS (7 + 1)

/* Upper bounds (seconds) of /metrics' latency histogram buckets, +Inf last. */
#define SOU_STATS_LE_BUCKETS 14

typedef enum { SOU_PROTO_HTTP, SOU_PROTO_LINE, SOU_PROTOS } sou_proto;

typedef struct {
    double started;                   /* monotonic seconds at init */
    double started_unix;              /* wall-clock seconds at init, for /metrics */
    uint64_t requests;                /* every request answered */
    uint64_t by_kind[SOU_REQ_KINDS];
    uint64_t http, line;              /* by protocol */
    uint64_t errors;                  /* answers with status >= 400 */
    uint64_t server_errors;           /* status >= 500 */
    uint64_t connections_total;       /* line connections accepted */
    int connections_open;
    uint64_t http_connections_total;  /* HTTP connections accepted (for /metrics) */
    int http_connections_open;
    uint64_t search_count;            /* latency samples (search requests) */
    double search_sum_ms, search_max_ms;
    uint64_t hist[SOU_STATS_BUCKETS];  /* search latencies, in µs buckets */
    /* For /metrics: answers by protocol, kind and status slot, and latency
     * (request to answer) by protocol and kind in fixed buckets. */
    uint64_t answers[SOU_PROTOS][SOU_REQ_KINDS][SOU_STATS_STATUS_SLOTS];
    uint64_t le_count[SOU_PROTOS][SOU_REQ_KINDS][SOU_STATS_LE_BUCKETS]; /* not cumulative */
    double le_sum[SOU_PROTOS][SOU_REQ_KINDS];                           /* seconds */
} sou_stats;

/* Monotonic clock in seconds. */
double sou_now(void);

void sou_stats_init(sou_stats *st);

/* Count one answered request; latency_ms feeds the percentiles for searches. */
void sou_stats_record(sou_stats *st, sou_req_kind kind, int is_http, int status, double latency_ms);

/* The p-th percentile (0 < p <= 100) of search latency in ms; 0 with no samples. */
double sou_stats_percentile(const sou_stats *st, double p);

/* Prometheus text exposition (format 0.0.4) of everything counted, plus
 * the gauges the caller knows: info (borrowed, may be NULL) gives
 * documents and revision, index_mtime the time (Unix seconds) of the last
 * change to the index files or 0 when unknown.  Returns a malloc'ed string
 * the caller frees (length in *len), or NULL when out of memory. */
char *sou_stats_prometheus(const sou_stats *st, const json_t *info, double index_mtime, int threads,
                           size_t queued, size_t *len);

/* The /stats object: requests, errors, latency_ms {p50,p90,p99,max,mean},
 * uptime_s, connections, plus "documents", "revision" from info (borrowed,
 * may be NULL, e.g. when the index cannot be opened: then "index" carries
 * index_error).  New reference. */
json_t *sou_stats_json(const sou_stats *st, const json_t *info, const char *index_error, int threads,
                       size_t queued);

#endif /* SOU_STATS_H */
