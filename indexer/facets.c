/* facets.c: see facets.h. */
#include "facets.h"

#include <string.h>

sx_status sou_facets_add(const sou_fields *f, const sou_doc *in, const sou_xpassages *p, sx_error *err)
{
    char term[SOU_FIELD_NAME_MAX + SOU_FACET_VALUE_MAX + 8];
    char slot[SOU_FACET_VALUE_MAX + SOU_READER_MAX_ID + 8];

    for (size_t i = 0; i < f->n; i++) {
        const json_t *v = json_object_get(in->fields, f->facets[i].name);
        if (!json_is_string(v))
            continue;
        const char *value = json_string_value(v);
        size_t len = json_string_length(v);
        size_t tlen = sou_fields_filter_term(f->facets[i].name, value, len, term, sizeof term);
        size_t slen = sou_facet_slot_value(value, len, in->id, p->n > 1, slot, sizeof slot);
        if (tlen == 0 || slen == 0)
            continue; /* empty, too long for a term, or holding the separator */
        for (size_t k = 0; k < p->n; k++) {
            sx_status st = sx_doc_add_boolean_term(p->v[k], term, tlen, err);
            if (st == SX_OK)
                st = sx_doc_set_value(p->v[k], f->facets[i].slot, slot, slen, err);
            if (st != SX_OK)
                return st;
        }
    }
    return SX_OK;
}
