/*
 * facets.h: an article's facet values on its passages (fields.h, schema.h).
 *
 * For every facet of the index that the article has as a non-empty string
 * field, each of its passages gets the boolean filter term
 * XF<field>:<value> and the value in the facet's slot (with the article id
 * when the article has several passages, so that counting counts articles).
 * A value over SOU_FACET_VALUE_MAX bytes is neither counted nor filterable.
 */
#ifndef SOU_FACETS_H
#define SOU_FACETS_H

#include "document.h"
#include "fields.h"
#include "reader.h"

/* Add in's facet terms and values to p's documents.  Returns SX_OK or the
 * shim's status with err filled (out of memory). */
sx_status sou_facets_add(const sou_fields *f, const sou_doc *in, const sou_xpassages *p, sx_error *err);

#endif /* SOU_FACETS_H */
