/*
 * sx_doc.cc: documents: postings, boolean terms, values and the data blob.
 */
#include "sx_internal.h"

#include <cstdlib>
#include <new>

extern "C" sx_doc *sx_doc_new(void)
{
    /* Xapian::Document's constructor allocates and may throw bad_alloc. */
    try {
        return new sx_doc;
    } catch (...) {
        return nullptr;
    }
}

extern "C" void sx_doc_free(sx_doc *doc)
{
    delete doc;
}

extern "C" sx_status sx_doc_add_posting(sx_doc *doc, const char *term, size_t len, uint32_t pos,
                                       sx_error *err)
{
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE(term && len, err, "term is NULL or empty");
    try {
        doc->doc.add_posting(std::string(term, len), pos);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_doc_add_position(sx_doc *doc, const char *term, size_t len, uint32_t pos,
                                        sx_error *err)
{
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE(term && len, err, "term is NULL or empty");
    try {
        doc->doc.add_posting(std::string(term, len), pos, 0);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_doc_add_term(sx_doc *doc, const char *term, size_t len, unsigned wdf_inc,
                                    sx_error *err)
{
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE(term && len, err, "term is NULL or empty");
    try {
        doc->doc.add_term(std::string(term, len), wdf_inc);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_doc_add_boolean_term(sx_doc *doc, const char *term, size_t len,
                                            sx_error *err)
{
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE(term && len, err, "term is NULL or empty");
    try {
        doc->doc.add_boolean_term(std::string(term, len));
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_doc_set_value(sx_doc *doc, unsigned slot, const char *value, size_t len,
                                     sx_error *err)
{
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE(value || len == 0, err, "value is NULL");
    SX_REQUIRE(slot != Xapian::BAD_VALUENO, err, "slot is Xapian::BAD_VALUENO");
    try {
        /* An empty value removes the slot, as in Xapian. */
        doc->forget();
        doc->doc.add_value(slot, len ? std::string(value, len) : std::string());
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_doc_set_data(sx_doc *doc, const char *data, size_t len, sx_error *err)
{
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE(data || len == 0, err, "data is NULL");
    try {
        doc->forget();
        doc->doc.set_data(len ? std::string(data, len) : std::string());
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

/* Hand a std::string to C as a malloc()ed copy. */
static sx_status give_string(const std::string &s, char **out, size_t *len)
{
    char *copy = sx_strndup(s.data(), s.size());
    if (!copy)
        throw std::bad_alloc();
    *out = copy;
    if (len)
        *len = s.size();
    return SX_OK;
}

extern "C" sx_status sx_doc_get_data(const sx_doc *doc, char **out, size_t *len, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(doc, err, "doc is NULL");
    try {
        return give_string(doc->read_data(), out, len);
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_docs_read(sx_doc *const *docs, size_t n, const unsigned *slots, size_t nslots,
                                 sx_error *err)
{
    SX_REQUIRE(docs || n == 0, err, "docs is NULL");
    SX_REQUIRE(slots || nslots == 0, err, "slots is NULL");
    try {
        for (size_t i = 0; i < n; i++) {
            sx_doc *d = docs[i];
            if (!d)
                continue;
            (void)d->read_data();
            for (size_t k = 0; k < nslots; k++)
                if (!d->has_value(slots[k]))
                    d->values.emplace_back(slots[k], d->doc.get_value(slots[k]));
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_doc_get_value(const sx_doc *doc, unsigned slot, char **out, size_t *len,
                                     sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(doc, err, "doc is NULL");
    try {
        const std::string *kept = doc->has_value(slot);
        return give_string(kept ? *kept : doc->doc.get_value(slot), out, len);
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" void sx_doc_clear(sx_doc *doc)
{
    if (!doc)
        return;
    try {
        /* A fresh Document: no terms, values or data, and no tie to a
         * database document it may have been fetched from. */
        doc->forget();
        doc->doc = Xapian::Document();
    } catch (...) {
        /* Out of memory: clear in place instead (data is then kept). */
        try {
            doc->doc.clear_terms();
            doc->doc.clear_values();
        } catch (...) {
        }
    }
}
