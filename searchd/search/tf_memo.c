/* tf_memo.c: an open-addressing hash table of term -> frequency (tf_memo.h). */
#include "tf_memo.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define SLOTS (2 * SOU_TF_MEMO_MAX) /* a power of two, at most half full */

typedef struct {
    char *term; /* NULL: an empty slot */
    size_t len;
    unsigned tf;
} slot;

struct sou_tf_memo {
    slot *v;       /* SLOTS of them */
    size_t n;      /* terms remembered */
    uint64_t rev;  /* the revision they belong to */
    int have_rev;
};

sou_tf_memo *sou_tf_memo_new(void)
{
    sou_tf_memo *m = calloc(1, sizeof *m);
    if (m && !(m->v = calloc(SLOTS, sizeof *m->v))) {
        free(m);
        return NULL;
    }
    return m;
}

static void forget(sou_tf_memo *m)
{
    for (size_t i = 0; m->n && i < SLOTS; i++)
        if (m->v[i].term) {
            free(m->v[i].term);
            m->v[i].term = NULL;
            m->n--;
        }
}

void sou_tf_memo_free(sou_tf_memo *m)
{
    if (!m)
        return;
    forget(m);
    free(m->v);
    free(m);
}

void sou_tf_memo_revision(sou_tf_memo *m, uint64_t revision)
{
    if (m->have_rev && m->rev == revision)
        return;
    forget(m);
    m->rev = revision;
    m->have_rev = 1;
}

/* The slot of term, or the empty one where it would go. */
static slot *find(const sou_tf_memo *m, const char *term, size_t len)
{
    for (size_t i = (size_t)sou_hash_bytes(term, len) & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
        slot *s = &m->v[i];
        if (!s->term || (s->len == len && memcmp(s->term, term, len) == 0))
            return s;
    }
}

int sou_tf_memo_get(const sou_tf_memo *m, const char *term, size_t len, unsigned *tf)
{
    const slot *s = find(m, term, len);
    if (!s->term)
        return 0;
    *tf = s->tf;
    return 1;
}

void sou_tf_memo_put(sou_tf_memo *m, const char *term, size_t len, unsigned tf)
{
    slot *s = find(m, term, len);
    if (s->term) {
        s->tf = tf;
        return;
    }
    if (m->n == SOU_TF_MEMO_MAX) {
        forget(m);
        s = find(m, term, len);
    }
    if (!(s->term = malloc(len ? len : 1)))
        return;
    memcpy(s->term, term, len);
    s->len = len;
    s->tf = tf;
    m->n++;
}

size_t sou_tf_memo_size(const sou_tf_memo *m)
{
    return m->n;
}
