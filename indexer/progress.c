/*
 * progress.c: the progress line and the summary line (see progress.h).
 */
#include <unistd.h>

#include "progress.h"

void sou_progress_init(sou_progress *p, FILE *out, int enabled)
{
    p->out = out;
    p->enabled = enabled < 0 ? isatty(fileno(out)) : enabled;
    p->drawn = 0;
}

static double rate(double amount, double seconds)
{
    return seconds > 0 ? amount / seconds : 0;
}

void sou_progress_draw(sou_progress *p, const sou_index_stats *s)
{
    unsigned long done = s->added + s->replaced;

    if (!p->enabled)
        return;
    /* \033[K erases what a longer previous line left behind */
    fprintf(p->out, "\r%s: %lu docs read, %lu indexed, %.1f MB, %.0f docs/s, %.2f MB/s\033[K",
            s->phase, s->read, done, (double)s->bytes / 1e6, rate((double)done, s->seconds),
            rate((double)s->bytes / 1e6, s->seconds));
    fflush(p->out);
    p->drawn = 1;
}

void sou_progress_clear(sou_progress *p)
{
    if (!p->enabled || !p->drawn)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->drawn = 0;
}

int sou_progress_summary(const sou_index_stats *s, char *buf, size_t cap)
{
    char shards[32] = "", lost[64] = "";
    if (s->shards)
        snprintf(shards, sizeof shards, ", %u shard%s", s->shards, s->shards == 1 ? "" : "s");
    if (s->rolled_back) /* a failed run: what was not committed is not in the index */
        snprintf(lost, sizeof lost, "; %lu of them not committed (rolled back)", s->rolled_back);
    return snprintf(buf, cap,
                    "%lu added, %lu replaced, %lu deleted, %lu skipped, %.1f MB in %.2f s "
                    "(%.2f MB/s, %.0f docs/s, %u thread%s%s%s)%s",
                    s->added, s->replaced, s->deleted, s->skipped, (double)s->bytes / 1e6,
                    s->seconds, rate((double)s->bytes / 1e6, s->seconds),
                    rate((double)(s->added + s->replaced), s->seconds), s->threads,
                    s->threads == 1 ? "" : "s", s->fresh ? ", new index" : "", shards, lost);
}
