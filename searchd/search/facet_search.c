/* facet_search.c: filters and facet counts for sou_search (facet_search.h). */
#include "facet_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_error.h"

/* "category, source" for messages: the index's facets. */
static void facet_names(const sou_fields *f, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->n && len + 1 < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", f->facets[i].name);
    if (f->n == 0)
        snprintf(buf, cap, "none: index with indexer --facet FIELD");
}

static int unknown_field(const sou_fields *f, const char *param, const char *name, size_t len, sou_error *err)
{
    char known[200];
    facet_names(f, known, sizeof known);
    sou_error_fail(err, SOU_R_UNKNOWN_FIELD, "option \"%s\": \"%.*s\" is not a facet of this index (facets: %s)",
                   param, (int)(len > 64 ? 64 : len), name, known);
    sou_error_where(err, param, name, len, 0, 0);
    return -1;
}

/* The facet called name[0..len), or NULL. */
static const sou_facet *facet_n(const sou_fields *f, const char *name, size_t len)
{
    for (size_t i = 0; i < f->n; i++)
        if (strlen(f->facets[i].name) == len && memcmp(f->facets[i].name, name, len) == 0)
            return &f->facets[i];
    return NULL;
}

/* Call fn for each string of v: a string, or an array of strings.  Returns
 * 0, or -1 with err (bad_option) for anything else. */
static int each_string(const json_t *v, const char *param, int (*fn)(const char *s, void *ctx), void *ctx,
                       sou_error *err)
{
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v))
        return fn(json_string_value(v), ctx);
    if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x))
                goto bad;
            if (fn(json_string_value(x), ctx) < 0)
                return -1;
        }
        return 0;
    }
bad:
    sou_error_fail(err, SOU_R_BAD_OPTION, "option \"%s\": must be a string or an array of strings", param);
    sou_error_where(err, param, NULL, 0, 0, 0);
    return -1;
}

typedef struct {
    const sou_fields *f;
    sou_facet_request *r;
    sou_error *err;
    size_t nfilters;
} parse_ctx;

/* "a,b, c": each name counted once. */
static int add_count(const char *s, void *arg)
{
    parse_ctx *c = arg;
    for (const char *p = s; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if (len) {
            const sou_facet *fc = facet_n(c->f, p, len);
            if (!fc)
                return unknown_field(c->f, "facets", p, len, c->err);
            size_t k = 0;
            while (k < c->r->ncount && c->r->count[k] != fc)
                k++;
            if (k == c->r->ncount)
                c->r->count[c->r->ncount++] = fc; /* at most f->n distinct: fits */
        }
        p += strcspn(p, ",");
    }
    return 0;
}

static int add_filter(const char *s, void *arg)
{
    parse_ctx *c = arg;
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || !colon[1]) {
        sou_error_fail(c->err, SOU_R_BAD_FILTER, "option \"filter\": \"%.64s\": expected FIELD:VALUE", s);
        sou_error_where(c->err, "filter", s, strlen(s), 0, 0);
        return -1;
    }
    const sou_facet *fc = facet_n(c->f, s, (size_t)(colon - s));
    if (!fc)
        return unknown_field(c->f, "filter", s, (size_t)(colon - s), c->err);
    if (++c->nfilters > SOU_FILTERS_MAX) {
        sou_error_fail(c->err, SOU_R_BAD_OPTION, "option \"filter\": more than %d filters", SOU_FILTERS_MAX);
        sou_error_where(c->err, "filter", NULL, 0, 0, 0);
        return -1;
    }
    size_t g = 0;
    while (g < c->r->ngroups && c->r->groups[g].facet != fc)
        g++;
    if (g == c->r->ngroups)
        c->r->groups[c->r->ngroups++].facet = fc;
    c->r->groups[g].values[c->r->groups[g].n++] = colon + 1;
    json_t *v = json_string(s);
    return v && json_array_append_new(c->r->applied, v) == 0 ? 0 : (sou_error_set(c->err, SOU_EINTERNAL,
                                                                                  "out of memory"), -1);
}

int sou_facet_request_parse(const sou_fields *f, const json_t *facets, const json_t *filter, unsigned limit,
                            sou_facet_request *r, sou_error *err)
{
    memset(r, 0, sizeof *r);
    r->limit = limit ? limit : SOU_FACET_LIMIT_DEFAULT;
    if (!(r->applied = json_array())) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return -1;
    }
    parse_ctx c = {f, r, err, 0};
    if (each_string(facets, "facets", add_count, &c, err) < 0 || each_string(filter, "filter", add_filter, &c, err) < 0)
        return -1;
    return 0;
}

void sou_facet_request_destroy(sou_facet_request *r)
{
    json_decref(r->applied);
    memset(r, 0, sizeof *r);
}

sx_query *sou_facet_filter(const sou_facet_request *r, const sou_facet *skip, sx_error *xe)
{
    sx_query *ands[SOU_FILTERS_MAX], *ors[SOU_FILTERS_MAX], *q = NULL;
    size_t nands = 0;
    char term[SOU_FIELD_NAME_MAX + SOU_FACET_VALUE_MAX + 8];

    for (size_t g = 0; g < r->ngroups; g++) {
        const sou_filter_group *grp = &r->groups[g];
        size_t nors = 0;
        if (grp->facet == skip)
            continue;
        for (size_t k = 0; k < grp->n; k++) {
            size_t len = sou_fields_filter_term(grp->facet->name, grp->values[k], strlen(grp->values[k]), term,
                                                sizeof term);
            /* a value too long to be a term matches nothing, like a value no article has */
            sx_query *t = len ? sx_query_term(term, len, 1, 0, xe) : sx_query_match_nothing(xe);
            if (!t)
                goto done;
            ors[nors++] = t;
        }
        sx_query *any = sx_query_combine(SX_OP_OR, (const sx_query *const *)ors, nors, 0, xe);
        for (size_t k = 0; k < nors; k++)
            sx_query_free(ors[k]);
        if (!any)
            goto done;
        ands[nands++] = any;
    }
    if (nands)
        q = sx_query_combine(SX_OP_AND, (const sx_query *const *)ands, nands, 0, xe);
done:
    for (size_t k = 0; k < nands; k++)
        sx_query_free(ands[k]);
    return q;
}

/* ---------------------------------------------------------------- counting */

typedef struct {
    char *value;
    unsigned count;
} value_count;

typedef struct {
    value_count *v;
    size_t n, cap;
    int oom;
} counts;

/* One key of the spy: "<value>" counts as the spy counted it (one-passage
 * articles), "<value>\x1f<id>" once (one article of several passages). */
static int add_key(const char *key, size_t len, unsigned count, void *arg)
{
    counts *c = arg;
    const char *sep = memchr(key, SOU_FACET_ARTICLE_SEP, len);
    size_t vlen = sep ? (size_t)(sep - key) : len;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        value_count *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->oom = 1;
            return 1;
        }
        c->v = v;
        c->cap = cap;
    }
    if (!(c->v[c->n].value = strndup(key, vlen))) {
        c->oom = 1;
        return 1;
    }
    c->v[c->n++].count = sep ? 1 : count;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    return strcmp(((const value_count *)a)->value, ((const value_count *)b)->value);
}

static int by_count(const void *a, const void *b)
{
    const value_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* The spy's counts as the answer's list for facet fc. */
static json_t *facet_json(const sou_fields *f, const sou_facet *fc, const sx_spy *spy, unsigned limit,
                          sou_error *err)
{
    counts c = {0};
    sx_error xe = {0};
    json_t *list = NULL;
    if (sx_spy_each(spy, add_key, &c, &xe) != SX_OK) {
        sou_error_set(err, SOU_EINTERNAL, "counting %s: %s", fc->name, xe.message);
        goto done;
    }
    if (c.oom)
        goto oom;
    /* merge the keys of one value: sorted by value, then summed */
    qsort(c.v, c.n, sizeof *c.v, by_value);
    size_t n = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (n && strcmp(c.v[n - 1].value, c.v[i].value) == 0) {
            c.v[n - 1].count += c.v[i].count;
            free(c.v[i].value);
        } else {
            c.v[n++] = c.v[i];
        }
    }
    c.n = n;
    qsort(c.v, c.n, sizeof *c.v, by_count);
    if (!(list = json_array()))
        goto oom;
    for (size_t i = 0; i < c.n && i < limit; i++) {
        json_t *v = json_string(c.v[i].value);
        if (!v)
            continue; /* not UTF-8: cannot be shown (the indexer stores JSON strings: never) */
        json_t *o = json_pack("{s:o}", "value", v);
        const char *label = sou_fields_value_label(f, fc->name, c.v[i].value);
        if (o && label)
            json_object_set_new(o, "label", json_string(label));
        if (!o || json_object_set_new(o, "count", json_integer(c.v[i].count)) < 0 ||
            json_array_append_new(list, o) < 0)
            goto oom;
    }
    goto done;
oom:
    sou_error_set(err, SOU_EINTERNAL, "out of memory counting %s", fc->name);
    json_decref(list);
    list = NULL;
done:
    for (size_t i = 0; i < c.n; i++)
        free(c.v[i].value);
    free(c.v);
    return list;
}

/* One counting run of query with the filters of every group but skip's,
 * counting the facets fcs[0..n). */
static int count_run(sx_db *db, const sou_fields *f, const sou_facet_request *r, const sx_query *query,
                     double time_limit, const sou_facet *skip, const sou_facet *const *fcs, size_t n, json_t *out,
                     sx_error *xep, sou_error *err)
{
    sx_error xe = {0};
    sx_spy *spies[SOU_FIELDS_MAX_FACETS] = {0};
    sx_query *filt = sou_facet_filter(r, skip, &xe), *q = NULL;
    sx_enquire *e = NULL;
    sx_mset *m = NULL;
    unsigned docs = 0;
    int rc = -1;

    if (!filt && xe.status != SX_OK)
        goto xfail;
    if (filt) {
        const sx_query *pair[2] = {query, filt};
        if (!(q = sx_query_combine(SX_OP_FILTER, pair, 2, 0, &xe)))
            goto xfail;
    }
    if (sx_db_doccount(db, &docs, &xe) != SX_OK || !(e = sx_enquire_new(db, &xe)) ||
        sx_enquire_set_query(e, q ? q : query, &xe) != SX_OK || sx_enquire_set_bool_weight(e, &xe) != SX_OK ||
        sx_enquire_set_time_limit(e, time_limit, &xe) != SX_OK)
        goto xfail;
    for (size_t i = 0; i < n; i++)
        if (!(spies[i] = sx_spy_new(fcs[i]->slot, &xe)) || sx_enquire_add_spy(e, spies[i], &xe) != SX_OK)
            goto xfail;
    /* no hits wanted, but every match checked: the spies see them all */
    if (sx_enquire_run(e, 0, 0, docs ? docs : 1, &m, &xe) != SX_OK)
        goto xfail;
    for (size_t i = 0; i < n; i++) {
        json_t *list = facet_json(f, fcs[i], spies[i], r->limit, err);
        if (!list || json_object_set_new(out, fcs[i]->name, list) < 0)
            goto done;
    }
    rc = 0;
    goto done;
xfail:
    *xep = xe;
    sou_error_from_db(err, &xe, "counting facets");
done:
    sx_mset_free(m);
    sx_enquire_free(e);
    for (size_t i = 0; i < n; i++)
        sx_spy_free(spies[i]);
    sx_query_free(filt);
    sx_query_free(q);
    return rc;
}

json_t *sou_facet_count(sx_db *db, const sou_fields *f, const sou_facet_request *r, const sx_query *query,
                        double time_limit, sx_error *xe, sou_error *err)
{
    json_t *out = json_object();
    const sou_facet *plain[SOU_FIELDS_MAX_FACETS];
    size_t nplain = 0;
    if (!out) {
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
        return NULL;
    }
    /* a filtered field alone, without its own filter; the others together */
    for (size_t i = 0; i < r->ncount; i++) {
        int filtered = 0;
        for (size_t g = 0; g < r->ngroups; g++)
            filtered |= r->groups[g].facet == r->count[i];
        if (!filtered)
            plain[nplain++] = r->count[i];
        else if (count_run(db, f, r, query, time_limit, r->count[i], &r->count[i], 1, out, xe, err) < 0)
            goto fail;
    }
    if (nplain && count_run(db, f, r, query, time_limit, NULL, plain, nplain, out, xe, err) < 0)
        goto fail;
    /* in the order asked */
    json_t *ordered = json_object();
    for (size_t i = 0; ordered && i < r->ncount; i++)
        json_object_set(ordered, r->count[i]->name, json_object_get(out, r->count[i]->name));
    json_decref(out);
    if (!ordered)
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
    return ordered;
fail:
    json_decref(out);
    return NULL;
}

long sou_facet_filtered_total(const sou_facet_request *r, const json_t *facets)
{
    for (size_t g = 0; facets && g < r->ngroups; g++) {
        const json_t *list = json_object_get(facets, r->groups[g].facet->name);
        if (!list)
            continue;
        long sum = 0;
        size_t i, found = 0;
        const json_t *v;
        json_array_foreach(list, i, v) {
            const char *value = json_string_value(json_object_get(v, "value"));
            for (size_t k = 0; value && k < r->groups[g].n; k++)
                if (strcmp(value, r->groups[g].values[k]) == 0) {
                    sum += (long)json_integer_value(json_object_get(v, "count"));
                    found++;
                }
        }
        /* a chosen value missing from a full list may lie past facet_limit */
        if (found == r->groups[g].n || json_array_size(list) < r->limit)
            return sum;
    }
    return -1;
}

json_t *sou_fields_info(const sou_fields *f)
{
    json_t *names = json_array();
    for (size_t i = 0; names && i < f->n; i++)
        json_array_append_new(names, json_string(f->facets[i].name));
    return names ? json_pack("{s:o,s:O,s:O}", "facets", names, "labels", f->labels, "values", f->values) : NULL;
}
