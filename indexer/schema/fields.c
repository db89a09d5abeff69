/* fields.c: an index's facets and labels, and their metadata form (fields.h). */
#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *why, size_t cap, const char *msg, const char *arg)
{
    if (why && cap)
        snprintf(why, cap, "%s%s%.80s%s", msg, arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
    return -1;
}

int sou_fields_init(sou_fields *f)
{
    memset(f, 0, sizeof *f);
    f->labels = json_object();
    f->values = json_object();
    if (!f->labels || !f->values) {
        sou_fields_destroy(f);
        return -1;
    }
    return 0;
}

void sou_fields_destroy(sou_fields *f)
{
    if (!f)
        return;
    json_decref(f->labels);
    json_decref(f->values);
    memset(f, 0, sizeof *f);
}

/* A field name that can sit inside XF<field>:<value> and a label spec. */
static int name_ok(const char *name, size_t len)
{
    if (len == 0 || len > SOU_FIELD_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == ':' || name[i] == '=' || name[i] == 0x7F)
            return 0;
    return 1;
}

const sou_facet *sou_fields_facet(const sou_fields *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->facets[i].name, name) == 0)
            return &f->facets[i];
    return NULL;
}

static int slot_taken(const sou_fields *f, unsigned slot)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->facets[i].slot == slot)
            return 1;
    return 0;
}

/* Add name at slot (0: the next free one). */
static int add_facet(sou_fields *f, const char *name, unsigned slot, char *why, size_t cap)
{
    if (!name_ok(name, strlen(name)))
        return fail(why, cap, "a facet field name must be 1-64 bytes without ':', '=' or control characters:",
                    name);
    if (sou_fields_facet(f, name))
        return 0;
    if (f->n == SOU_FIELDS_MAX_FACETS)
        return fail(why, cap, "too many facets (at most 64); not added:", name);
    if (slot < SOU_VALUE_FACET_FIRST || slot_taken(f, slot)) {
        slot = SOU_VALUE_FACET_FIRST;
        while (slot_taken(f, slot))
            slot++;
    }
    snprintf(f->facets[f->n].name, sizeof f->facets[f->n].name, "%s", name);
    f->facets[f->n].slot = slot;
    f->n++;
    return 0;
}

int sou_fields_add_facet(sou_fields *f, const char *name, char *why, size_t cap)
{
    return add_facet(f, name, 0, why, cap);
}

int sou_fields_add_label(sou_fields *f, const char *spec, char *why, size_t cap)
{
    const char *eq = strchr(spec, '='), *colon = strchr(spec, ':');
    if (!eq || !eq[1])
        return fail(why, cap, "a label is FIELD=NAME or FIELD:VALUE=NAME, not", spec);
    if (colon && colon > eq)
        colon = NULL; /* a ':' in the name itself */
    size_t flen = (size_t)((colon ? colon : eq) - spec);
    if (!name_ok(spec, flen))
        return fail(why, cap, "a label's field name must be 1-64 bytes without ':', '=' or control characters:",
                    spec);
    char field[SOU_FIELD_NAME_MAX + 1];
    snprintf(field, sizeof field, "%.*s", (int)flen, spec);
    json_t *name = json_string(eq + 1);
    if (!name)
        return fail(why, cap, "a label must be UTF-8 text:", spec);
    if (!colon)
        return json_object_set_new(f->labels, field, name) < 0 ? fail(why, cap, "out of memory", NULL) : 0;
    size_t vlen = (size_t)(eq - colon - 1);
    if (vlen == 0) {
        json_decref(name);
        return fail(why, cap, "a value label needs the value: FIELD:VALUE=NAME, not", spec);
    }
    json_t *per = json_object_get(f->values, field);
    if (!per && json_object_set_new(f->values, field, per = json_object()) < 0) {
        json_decref(name);
        return fail(why, cap, "out of memory", NULL);
    }
    char *value = strndup(colon + 1, vlen);
    int rc = value && json_object_set_new(per, value, name) == 0 ? 0 : fail(why, cap, "out of memory", NULL);
    free(value);
    return rc;
}

int sou_fields_parse(sou_fields *f, const char *text, size_t len, char *why, size_t cap)
{
    json_error_t jerr;
    json_t *o = NULL;
    sou_fields_destroy(f);
    if (sou_fields_init(f) < 0)
        return fail(why, cap, "out of memory", NULL);
    if (len == 0)
        return 0;
    o = json_loadb(text, len, 0, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        return fail(why, cap, SOU_FIELDS_KEY " metadata is not a JSON object:", o ? NULL : jerr.text);
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(o, "facets"), i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        json_int_t slot = json_integer_value(json_object_get(v, "slot"));
        if (!name || slot < SOU_VALUE_FACET_FIRST || slot > 0xFFFFFF || add_facet(f, name, (unsigned)slot, why, cap) < 0) {
            json_decref(o);
            return fail(why, cap, SOU_FIELDS_KEY " metadata: a bad facet entry", NULL);
        }
    }
    const char *key;
    json_object_foreach(json_object_get(o, "labels"), key, v)
        if (json_is_string(v))
            json_object_set(f->labels, key, v);
    json_object_foreach(json_object_get(o, "values"), key, v)
        if (json_is_object(v))
            json_object_set_new(f->values, key, json_deep_copy(v));
    json_decref(o);
    return 0;
}

int sou_fields_merge(sou_fields *f, const sou_fields *from, char *why, size_t cap)
{
    for (size_t i = 0; i < from->n; i++)
        if (add_facet(f, from->facets[i].name, from->facets[i].slot, why, cap) < 0)
            return -1;
    const char *key;
    json_t *v;
    json_object_foreach(from->labels, key, v)
        if (json_object_set(f->labels, key, v) < 0)
            return fail(why, cap, "out of memory", NULL);
    json_object_foreach(from->values, key, v) {
        json_t *per = json_object_get(f->values, key);
        if (!per && json_object_set_new(f->values, key, per = json_object()) < 0)
            return fail(why, cap, "out of memory", NULL);
        if (json_object_update(per, v) < 0)
            return fail(why, cap, "out of memory", NULL);
    }
    return 0;
}

char *sou_fields_json(const sou_fields *f, size_t *len)
{
    json_t *facets = json_array();
    for (size_t i = 0; facets && i < f->n; i++)
        if (json_array_append_new(facets, json_pack("{s:s,s:I}", "name", f->facets[i].name, "slot",
                                                    (json_int_t)f->facets[i].slot)) < 0) {
            json_decref(facets);
            facets = NULL;
        }
    json_t *o = facets ? json_pack("{s:o,s:O,s:O}", "facets", facets, "labels", f->labels, "values", f->values)
                       : NULL;
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (text && len)
        *len = strlen(text);
    return text;
}

const char *sou_fields_label(const sou_fields *f, const char *field)
{
    return json_string_value(json_object_get(f->labels, field));
}

const char *sou_fields_value_label(const sou_fields *f, const char *field, const char *value)
{
    return json_string_value(json_object_get(json_object_get(f->values, field), value));
}

size_t sou_facet_slot_value(const char *value, size_t len, const char *article_id, int several_passages,
                            char *buf, size_t cap)
{
    size_t n = several_passages ? len + 1 + strlen(article_id) : len;
    if (len == 0 || len > SOU_FACET_VALUE_MAX || n + 1 > cap || memchr(value, SOU_FACET_ARTICLE_SEP, len))
        return 0;
    memcpy(buf, value, len);
    if (several_passages) {
        buf[len] = SOU_FACET_ARTICLE_SEP;
        memcpy(buf + len + 1, article_id, strlen(article_id));
    }
    buf[n] = '\0';
    return n;
}

size_t sou_fields_filter_term(const char *field, const char *value, size_t value_len, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s%s:%.*s", SOU_PREFIX_FACET, field, (int)value_len, value);
    if (value_len == 0 || value_len > SOU_FACET_VALUE_MAX || n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}
