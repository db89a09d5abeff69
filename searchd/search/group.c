/* group.c: grouping near-copy hits (see group.h). */
#include "group.h"

#include <stdlib.h>
#include <string.h>

#include "nearcopy.h"

typedef struct {
    unsigned char sig[SOU_NC_BYTES];
    int has_sig;
} rep;

struct sou_grouper {
    rep *v;
    size_t n, max;
};

sou_grouper *sou_grouper_new(size_t max)
{
    sou_grouper *g = calloc(1, sizeof *g);
    if (g && !(g->v = calloc(max ? max : 1, sizeof *g->v))) {
        free(g);
        return NULL;
    }
    if (g)
        g->max = max;
    return g;
}

void sou_grouper_free(sou_grouper *g)
{
    if (!g)
        return;
    free(g->v);
    free(g);
}

long sou_grouper_find(const sou_grouper *g, const unsigned char *sig, size_t len)
{
    for (size_t i = 0; sig && i < g->n; i++)
        if (g->v[i].has_sig && sou_nearcopy_similar(sig, len, g->v[i].sig, SOU_NC_BYTES))
            return (long)i;
    return -1;
}

size_t sou_grouper_count(const sou_grouper *g)
{
    return g->n;
}

long sou_grouper_add(sou_grouper *g, const unsigned char *sig, size_t sig_len)
{
    if (g->n == g->max)
        return -1;
    rep *r = &g->v[g->n];
    memset(r, 0, sizeof *r);
    if (sig && sig_len == SOU_NC_BYTES) {
        memcpy(r->sig, sig, SOU_NC_BYTES);
        r->has_sig = 1;
    }
    return (long)g->n++;
}
