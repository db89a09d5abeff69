/* related.c: "more like this" (related.h). */
#include "related.h"

#include <stdlib.h>
#include <string.h>

#include "db_error.h"
#include "schema.h"
#include "stored.h"
#include "tokenize.h"

/* A body term of two or more characters that is not only digits, or the
 * same as a title term (S<term>). */
static int keep_term(const char *term, size_t len, void *ctx)
{
    (void)ctx;
    if (len > 1 && term[0] == 'S' && !(term[1] >= 'A' && term[1] <= 'Z')) {
        term++;
        len--;
    } else if (len && term[0] >= 'A' && term[0] <= 'Z') {
        return 0; /* an id, a facet, a passage mark: not what the article is about */
    }
    size_t chars = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)term[i] & 0xC0) != 0x80)
            chars++;
        if (term[i] >= '0' && term[i] <= '9')
            digits++;
    }
    return chars >= 2 && digits < len;
}

typedef struct {
    sx_query *terms[SOU_RELATED_TERMS];
    size_t n;
    int oom;
} chosen;

static void choose(const char *term, size_t len, double weight, void *ctx)
{
    chosen *c = ctx;
    (void)weight;
    if (c->n == SOU_RELATED_TERMS || c->oom)
        return;
    if (!(c->terms[c->n] = sx_query_term(term, len, 1, 0, NULL)))
        c->oom = 1;
    else
        c->n++;
}

/* Titles compared with white space and case folded away. */
static char *title_key(const char *t)
{
    size_t cap = sou_normalize(t, strlen(t), NULL, 0, NULL) + 1;
    char *k = malloc(cap), *o = k;
    if (!k)
        return NULL;
    sou_normalize(t, strlen(t), k, cap, NULL);
    for (char *p = k; *p; p++)
        if (*p != ' ')
            *o++ = *p;
    *o = '\0';
    return k;
}

json_t *sou_related(sx_db *db, const char *idterm, const char *title, unsigned limit, double time_limit,
                    sx_error *xep, sou_error *err)
{
    sx_error xe = {0};
    struct {
        unsigned *v;
        size_t n;
    } ids = {NULL, 0};
    chosen c = {0};
    sx_enquire *e = NULL;
    sx_query *any = NULL, *self = NULL, *q = NULL;
    sx_mset *m = NULL;
    json_t *out = json_array();
    char *own = title_key(title ? title : "");

    if (!out || !own)
        goto oom;
    if (sx_db_postings(db, idterm, strlen(idterm), &ids.v, &ids.n, &xe) != SX_OK)
        goto xfail;
    if (ids.n == 0)
        goto done;
    /* A long law is a hundred passages: a few spread over it say what it is
     * about as well, at a tenth of the cost (the ESet reads every term of
     * every passage given). */
    size_t n = ids.n;
    if (n > SOU_RELATED_PASSAGES) {
        for (size_t i = 0; i < SOU_RELATED_PASSAGES; i++)
            ids.v[i] = ids.v[i * n / SOU_RELATED_PASSAGES];
        n = SOU_RELATED_PASSAGES;
    }
    if (!(e = sx_enquire_new(db, &xe)) ||
        sx_enquire_expand(e, ids.v, n, SOU_RELATED_TERMS, keep_term, choose, &c, &xe) != SX_OK)
        goto xfail;
    if (c.oom)
        goto oom;
    if (c.n == 0)
        goto done;
    if (!(any = sx_query_combine(SX_OP_OR, (const sx_query *const *)c.terms, c.n, 0, &xe)) ||
        !(self = sx_query_term(idterm, strlen(idterm), 1, 0, &xe)))
        goto xfail;
    const sx_query *pair[2] = {any, self};
    /* a few more than wanted: near-copies are dropped below */
    if (!(q = sx_query_combine(SX_OP_AND_NOT, pair, 2, 0, &xe)) || sx_enquire_set_query(e, q, &xe) != SX_OK ||
        sx_enquire_set_collapse(e, SOU_VALUE_ARTICLE, 1, &xe) != SX_OK ||
        sx_enquire_sort_by_relevance_then_value(e, SOU_VALUE_ARTICLE, &xe) != SX_OK ||
        sx_enquire_set_time_limit(e, time_limit, &xe) != SX_OK ||
        sx_enquire_run(e, 0, limit * 3, 0, &m, &xe) != SX_OK)
        goto xfail;
    for (unsigned i = 0; i < sx_mset_size(m) && json_array_size(out) < limit; i++) {
        sx_doc *doc = NULL;
        char *data = NULL;
        size_t len = 0;
        sou_stored_fields f;
        if (sx_mset_document(m, i, &doc, &xe) != SX_OK || sx_doc_get_data(doc, &data, &len, &xe) != SX_OK) {
            sx_doc_free(doc);
            goto xfail;
        }
        sx_doc_free(doc);
        int rc = sou_stored_fields_parse(data, len, &f);
        free(data);
        if (rc < 0)
            goto oom;
        size_t idl = 0, tl = 0;
        const char *id = sou_stored_field_get(&f, "id", &idl);
        const char *t = sou_stored_field_get(&f, "title", &tl);
        char *key = title_key(t);
        int copy = key && *own && strcmp(key, own) == 0;
        /* one version of each other law too */
        for (size_t k = 0; key && !copy && k < json_array_size(out); k++) {
            char *other = title_key(json_string_value(json_object_get(json_array_get(out, k), "title")));
            copy = other && strcmp(other, key) == 0;
            free(other);
        }
        json_t *o = !key ? NULL : copy ? json_object() : json_pack("{s:s%,s:s%}", "id", id, idl, "title", t, tl);
        free(key);
        sou_stored_fields_free(&f);
        if (!o || (!copy && json_array_append_new(out, o) < 0) || (copy && (json_decref(o), 0)))
            goto oom;
    }
    goto done;
xfail:
    *xep = xe;
    sou_error_from_db(err, &xe, "finding related articles");
    json_decref(out);
    out = NULL;
    goto done;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory finding related articles");
    json_decref(out);
    out = NULL;
done:
    for (size_t i = 0; i < c.n; i++)
        sx_query_free(c.terms[i]);
    sx_query_free(any);
    sx_query_free(self);
    sx_query_free(q);
    sx_mset_free(m);
    sx_enquire_free(e);
    free(ids.v);
    free(own);
    return out;
}
