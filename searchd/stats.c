/* stats.c: see stats.h. */
#include "stats.h"

#include <math.h>
#include <string.h>
#include <time.h>

double sou_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sou_stats_init(sou_stats *st)
{
    memset(st, 0, sizeof *st);
    st->started = sou_now();
}

/* Bucket of a latency in µs: exact below 64, then 32 sub-buckets for each
 * power of two from 2^6 up to 2^37 µs (38 hours; larger values clamp). */
static int bucket_of(uint64_t us)
{
    int e;
    if (us < 64)
        return (int)us;
    e = 63 - __builtin_clzll(us);
    if (e > 37)
        return SOU_STATS_BUCKETS - 1;
    return 64 + (e - 6) * 32 + (int)((us >> (e - 5)) & 31);
}

/* Middle of a bucket, in µs. */
static double bucket_mid(int b)
{
    int e, sub;
    double lo, width;
    if (b < 64)
        return b;
    e = (b - 64) / 32 + 6;
    sub = (b - 64) % 32;
    width = ldexp(1.0, e - 5);
    lo = ldexp(1.0, e) + sub * width;
    return lo + width / 2;
}

void sou_stats_record(sou_stats *st, sou_req_kind kind, int is_http, int status, double latency_ms)
{
    st->requests++;
    st->by_kind[kind]++;
    if (is_http)
        st->http++;
    else
        st->line++;
    if (status >= 400)
        st->errors++;
    if (status >= 500)
        st->server_errors++;
    if (kind == SOU_REQ_SEARCH) {
        double us = latency_ms * 1000.0;
        st->search_count++;
        st->search_sum_ms += latency_ms;
        if (latency_ms > st->search_max_ms)
            st->search_max_ms = latency_ms;
        st->hist[bucket_of(us < 0 ? 0 : (uint64_t)us)]++;
    }
}

double sou_stats_percentile(const sou_stats *st, double p)
{
    uint64_t rank, seen = 0;
    if (st->search_count == 0)
        return 0;
    rank = (uint64_t)ceil(p / 100.0 * (double)st->search_count);
    if (rank < 1)
        rank = 1;
    for (int b = 0; b < SOU_STATS_BUCKETS; b++) {
        seen += st->hist[b];
        if (seen >= rank) {
            double ms = bucket_mid(b) / 1000.0;
            return ms > st->search_max_ms ? st->search_max_ms : ms;
        }
    }
    return st->search_max_ms;
}

static double round3(double x)
{
    return round(x * 1000.0) / 1000.0;
}

json_t *sou_stats_json(const sou_stats *st, const json_t *info, const char *index_error, int threads,
                       size_t queued)
{
    json_t *o = json_object();
    json_t *lat, *by, *idx;

    if (!o)
        return NULL;
    lat = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "count", (json_int_t)st->search_count, "p50",
                    round3(sou_stats_percentile(st, 50)), "p90", round3(sou_stats_percentile(st, 90)), "p99",
                    round3(sou_stats_percentile(st, 99)), "max", round3(st->search_max_ms), "mean",
                    round3(st->search_count ? st->search_sum_ms / (double)st->search_count : 0));
    by = json_pack("{s:I, s:I, s:I, s:I, s:I}", "search", (json_int_t)st->by_kind[SOU_REQ_SEARCH], "get",
                   (json_int_t)st->by_kind[SOU_REQ_GET], "other", (json_int_t)st->by_kind[SOU_REQ_OTHER], "http",
                   (json_int_t)st->http, "line", (json_int_t)st->line);
    json_object_set_new(o, "requests", json_integer((json_int_t)st->requests));
    json_object_set_new(o, "errors", json_integer((json_int_t)st->errors));
    json_object_set_new(o, "server_errors", json_integer((json_int_t)st->server_errors));
    json_object_set_new(o, "by", by ? by : json_null());
    json_object_set_new(o, "latency_ms", lat ? lat : json_null());
    json_object_set_new(o, "uptime_s", json_real(round3(sou_now() - st->started)));
    json_object_set_new(o, "connections", json_pack("{s:i, s:I}", "open", st->connections_open, "total",
                                                    (json_int_t)st->connections_total));
    json_object_set_new(o, "threads", json_integer(threads));
    json_object_set_new(o, "queued", json_integer((json_int_t)queued));
    if (info) {
        json_object_set(o, "documents", json_object_get(info, "documents"));
        json_object_set(o, "revision", json_object_get(info, "revision"));
        if (json_object_get(info, "shards"))
            json_object_set(o, "shards", json_object_get(info, "shards"));
        idx = json_string("ok");
    } else {
        json_object_set_new(o, "documents", json_null());
        json_object_set_new(o, "revision", json_null());
        idx = json_string(index_error ? index_error : "unavailable");
    }
    json_object_set_new(o, "index", idx ? idx : json_null());
    return o;
}
