/* stats.c: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int STATUSES[] = {
#define SOU_STATS_STATUS_VALUE(code) code,
    SOU_STATS_STATUSES(SOU_STATS_STATUS_VALUE)
#undef SOU_STATS_STATUS_VALUE
};

/* Searches take about a millisecond: the buckets resolve 0.5 ms to 5 s. */
static const double LE_BOUNDS[SOU_STATS_LE_BUCKETS - 1] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,    0.25,  0.5,    1,     2.5,   5};
static const char *const PROTO_NAMES[SOU_PROTOS] = {"http", "line"};
static const char *const KIND_NAMES[SOU_REQ_KINDS] = {"search", "get", "other"};

double sou_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sou_stats_init(sou_stats *st)
{
    struct timespec ts;

    memset(st, 0, sizeof *st);
    st->started = sou_now();
    clock_gettime(CLOCK_REALTIME, &ts);
    st->started_unix = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int status_slot(int status)
{
    for (int i = 0; i < (int)(sizeof STATUSES / sizeof STATUSES[0]); i++)
        if (STATUSES[i] == status)
            return i;
    return SOU_STATS_STATUS_SLOTS - 1;
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
    {
        int proto = is_http ? SOU_PROTO_HTTP : SOU_PROTO_LINE, le = 0;
        double seconds = latency_ms < 0 ? 0 : latency_ms / 1000.0;
        while (le < SOU_STATS_LE_BUCKETS - 1 && seconds > LE_BOUNDS[le])
            le++;
        st->answers[proto][kind][status_slot(status)]++;
        st->le_count[proto][kind][le]++;
        st->le_sum[proto][kind] += seconds;
    }
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

char *sou_stats_prometheus(const sou_stats *st, const json_t *info, double index_mtime, int threads,
                           size_t queued, size_t *len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    struct timespec ts;
    double now;

    if (!f)
        return NULL;
    clock_gettime(CLOCK_REALTIME, &ts);
    now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;

    fprintf(f, "# HELP sou_build_info The version of searchd.\n# TYPE sou_build_info gauge\n"
               "sou_build_info{version=\"%s\"} 1\n",
            SOU_VERSION);
    fprintf(f, "# HELP sou_start_time_seconds When searchd started (Unix time).\n"
               "# TYPE sou_start_time_seconds gauge\nsou_start_time_seconds %.3f\n",
            st->started_unix);

    fprintf(f, "# HELP sou_requests_total Requests answered, by protocol, kind and status.\n"
               "# TYPE sou_requests_total counter\n");
    for (int p = 0; p < SOU_PROTOS; p++)
        for (int k = 0; k < SOU_REQ_KINDS; k++)
            for (int i = 0; i < SOU_STATS_STATUS_SLOTS; i++) {
                char code[16];
                if (st->answers[p][k][i] == 0)
                    continue;
                if (i < SOU_STATS_STATUS_SLOTS - 1)
                    snprintf(code, sizeof code, "%d", STATUSES[i]);
                else
                    snprintf(code, sizeof code, "other");
                fprintf(f, "sou_requests_total{protocol=\"%s\",kind=\"%s\",status=\"%s\"} %llu\n",
                        PROTO_NAMES[p], KIND_NAMES[k], code, (unsigned long long)st->answers[p][k][i]);
            }

    fprintf(f, "# HELP sou_request_duration_seconds Time from a request's arrival to its answer, inside "
               "searchd.\n# TYPE sou_request_duration_seconds histogram\n");
    for (int p = 0; p < SOU_PROTOS; p++)
        for (int k = 0; k < SOU_REQ_KINDS; k++) {
            unsigned long long cumulative = 0, total = 0;
            for (int b = 0; b < SOU_STATS_LE_BUCKETS; b++)
                total += st->le_count[p][k][b];
            /* Searches always (dashboards want the series from the start);
             * other kinds once they happened. */
            if (total == 0 && k != SOU_REQ_SEARCH)
                continue;
            for (int b = 0; b < SOU_STATS_LE_BUCKETS; b++) {
                cumulative += st->le_count[p][k][b];
                if (b < SOU_STATS_LE_BUCKETS - 1)
                    fprintf(f, "sou_request_duration_seconds_bucket{protocol=\"%s\",kind=\"%s\",le=\"%g\"} %llu\n",
                            PROTO_NAMES[p], KIND_NAMES[k], LE_BOUNDS[b], cumulative);
                else
                    fprintf(f, "sou_request_duration_seconds_bucket{protocol=\"%s\",kind=\"%s\",le=\"+Inf\"} %llu\n",
                            PROTO_NAMES[p], KIND_NAMES[k], cumulative);
            }
            fprintf(f, "sou_request_duration_seconds_sum{protocol=\"%s\",kind=\"%s\"} %.6f\n", PROTO_NAMES[p],
                    KIND_NAMES[k], st->le_sum[p][k]);
            fprintf(f, "sou_request_duration_seconds_count{protocol=\"%s\",kind=\"%s\"} %llu\n", PROTO_NAMES[p],
                    KIND_NAMES[k], cumulative);
        }

    fprintf(f, "# HELP sou_queue_length Jobs waiting for a worker thread.\n# TYPE sou_queue_length gauge\n"
               "sou_queue_length %zu\n",
            queued);
    fprintf(f, "# HELP sou_worker_threads Worker threads.\n# TYPE sou_worker_threads gauge\n"
               "sou_worker_threads %d\n",
            threads);
    fprintf(f, "# HELP sou_connections_open Open client connections.\n"
               "# TYPE sou_connections_open gauge\nsou_connections_open{protocol=\"http\"} %d\n"
               "sou_connections_open{protocol=\"line\"} %d\n",
            st->http_connections_open, st->connections_open);
    fprintf(f, "# HELP sou_connections_total Client connections accepted.\n"
               "# TYPE sou_connections_total counter\nsou_connections_total{protocol=\"http\"} %llu\n"
               "sou_connections_total{protocol=\"line\"} %llu\n",
            (unsigned long long)st->http_connections_total, (unsigned long long)st->connections_total);

    fprintf(f, "# HELP sou_index_up 1 when the index can be opened, else 0.\n# TYPE sou_index_up gauge\n"
               "sou_index_up %d\n",
            info ? 1 : 0);
    if (info) {
        fprintf(f, "# HELP sou_index_documents Documents in the index.\n# TYPE sou_index_documents gauge\n"
                   "sou_index_documents %" JSON_INTEGER_FORMAT "\n",
                json_integer_value(json_object_get(info, "documents")));
        if (json_is_integer(json_object_get(info, "revision"))) /* none for a sharded index */
            fprintf(f, "# HELP sou_index_revision The index revision searched (it grows with every commit).\n"
                       "# TYPE sou_index_revision gauge\nsou_index_revision %" JSON_INTEGER_FORMAT "\n",
                    json_integer_value(json_object_get(info, "revision")));
        const json_t *shards = json_object_get(info, "shards"), *sd;
        size_t i;
        if (json_array_size(shards))
            fprintf(f, "# HELP sou_shard_up 1 when the shard answers (a sharded index), else 0.\n"
                       "# TYPE sou_shard_up gauge\n");
        json_array_foreach(shards, i, sd)
        {
            /* addresses are HOST:PORT or paths: no quote or backslash to escape in practice, but be safe */
            char addr[300];
            size_t k = 0;
            for (const char *a = json_string_value(json_object_get(sd, "address")); a && *a && k + 2 < sizeof addr; a++) {
                if (*a == '"' || *a == '\\' || *a == '\n')
                    addr[k++] = '\\';
                addr[k++] = *a == '\n' ? 'n' : *a;
            }
            addr[k] = '\0';
            const char *status = json_string_value(json_object_get(sd, "status"));
            fprintf(f, "sou_shard_up{shard=\"%zu\",address=\"%s\"} %d\n", i, addr,
                    status && strcmp(status, "up") == 0);
        }
    }
    if (index_mtime > 0)
        fprintf(f, "# HELP sou_index_age_seconds Seconds since the index files last changed (a commit).\n"
                   "# TYPE sou_index_age_seconds gauge\nsou_index_age_seconds %.3f\n",
                now > index_mtime ? now - index_mtime : 0.0);
    if (ferror(f)) {
        fclose(f);
        free(text);
        return NULL;
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    if (len)
        *len = size;
    return text;
}
