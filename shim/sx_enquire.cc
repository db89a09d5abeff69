/*
 * sx_enquire.cc: running queries and reading their results.
 */
#include "sx_internal.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

extern "C" sx_enquire *sx_enquire_new(sx_db *db, sx_error *err)
{
    SX_REQUIRE_NULL(db, err, "db is NULL");
    try {
        return new sx_enquire(db);
    } catch (...) {
        sx_fail(err, db->path.c_str());
        return nullptr;
    }
}

extern "C" void sx_enquire_free(sx_enquire *e)
{
    delete e;
}

extern "C" sx_status sx_enquire_set_query(sx_enquire *e, const sx_query *q, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    SX_REQUIRE(q, err, "query is NULL");
    try {
        e->enq.set_query(q->q);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_set_bm25(sx_enquire *e, double k1, double k2, double k3, double b,
                                        double min_normlen, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    /* BM25Weight silently clamps bad parameters; say so instead. */
    const double p[] = {k1, k2, k3, b, min_normlen};
    const char *const names[] = {"k1", "k2", "k3", "b", "min_normlen"};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        if (!std::isfinite(p[i]) || p[i] < 0)
            return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: %s = %g: must be finite and >= 0",
                                __func__, names[i], p[i]);
    if (b > 1)
        return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: b = %g: must be <= 1", __func__, b);
    try {
        e->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

namespace {
struct keep_decider : Xapian::ExpandDecider {
    sx_term_keep_fn keep;
    void *ctx;
    keep_decider(sx_term_keep_fn k, void *c) : keep(k), ctx(c) {}
    bool operator()(const std::string &term) const override
    {
        return keep(term.data(), term.size(), ctx) != 0;
    }
};
} // namespace

extern "C" sx_status sx_enquire_expand(sx_enquire *e, const unsigned *docids, size_t n, unsigned max,
                                      sx_term_keep_fn keep, sx_term_weight_fn fn, void *ctx, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    SX_REQUIRE(docids || n == 0, err, "docids is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        Xapian::RSet rset;
        for (size_t i = 0; i < n; i++)
            rset.add_document(docids[i]);
        keep_decider decider(keep, ctx);
        /* exact term frequencies: over several databases (shards) Xapian
         * would otherwise estimate them, and choose other terms than one
         * database of the same documents does */
        Xapian::ESet eset = e->enq.get_eset(max, rset, Xapian::Enquire::USE_EXACT_TERMFREQ,
                                            keep ? &decider : nullptr);
        for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t) {
            const std::string term = *t;
            fn(term.data(), term.size(), t.get_weight(), ctx);
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, e->db->path.c_str());
    }
}

extern "C" sx_status sx_enquire_set_bool_weight(sx_enquire *e, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    try {
        e->enq.set_weighting_scheme(Xapian::BoolWeight());
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_spy *sx_spy_new(unsigned slot, sx_error *err)
{
    SX_REQUIRE_NULL(slot != Xapian::BAD_VALUENO, err, "slot is Xapian::BAD_VALUENO");
    try {
        return new sx_spy(slot);
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" void sx_spy_free(sx_spy *spy)
{
    delete spy;
}

extern "C" sx_status sx_enquire_add_spy(sx_enquire *e, sx_spy *spy, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    SX_REQUIRE(spy, err, "spy is NULL");
    try {
        e->enq.add_matchspy(&spy->spy); /* borrowed: not released to the enquire */
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" unsigned sx_spy_total(const sx_spy *spy)
{
    return spy ? (unsigned)spy->spy.get_total() : 0;
}

extern "C" sx_status sx_spy_each(const sx_spy *spy, sx_value_count_fn fn, void *ctx, sx_error *err)
{
    SX_REQUIRE(spy, err, "spy is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        for (Xapian::TermIterator t = spy->spy.values_begin(); t != spy->spy.values_end(); ++t) {
            const std::string v = *t;
            if (fn(v.data(), v.size(), t.get_termfreq(), ctx))
                break;
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_sort_by_relevance(sx_enquire *e, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    try {
        e->enq.set_sort_by_relevance();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_sort_by_relevance_then_value(sx_enquire *e, unsigned slot, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    SX_REQUIRE(slot != Xapian::BAD_VALUENO, err, "slot is Xapian::BAD_VALUENO");
    try {
        e->enq.set_sort_by_relevance_then_value(slot, false);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_sort_by_value(sx_enquire *e, unsigned slot, int descending,
                                             sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    SX_REQUIRE(slot != Xapian::BAD_VALUENO, err, "slot is Xapian::BAD_VALUENO");
    try {
        /* Xapian's "reverse" puts the largest value first. */
        e->enq.set_sort_by_value_then_relevance(slot, descending != 0);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_set_time_limit(sx_enquire *e, double seconds, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    SX_REQUIRE(std::isfinite(seconds) && seconds >= 0, err, "seconds must be finite and >= 0");
    try {
        e->enq.set_time_limit(seconds);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_set_collapse(sx_enquire *e, unsigned slot, unsigned max, sx_error *err)
{
    SX_REQUIRE(e, err, "enquire is NULL");
    try {
        e->enq.set_collapse_key(slot, max);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_enquire_run(sx_enquire *e, unsigned offset, unsigned limit,
                                   unsigned check_at_least, sx_mset **out, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(e, err, "enquire is NULL");
    sx_mset *m = nullptr;
    try {
        m = new sx_mset;
        m->db = e->db;
        m->mset = e->enq.get_mset(offset, limit, check_at_least);
        *out = m;
        return SX_OK;
    } catch (...) {
        delete m;
        return sx_fail(err, e->db->path.c_str());
    }
}

extern "C" unsigned sx_mset_size(const sx_mset *m)
{
    return m ? m->mset.size() : 0;
}

extern "C" unsigned sx_mset_estimated(const sx_mset *m)
{
    return m ? m->mset.get_matches_estimated() : 0;
}

extern "C" unsigned sx_mset_lower_bound(const sx_mset *m)
{
    return m ? m->mset.get_matches_lower_bound() : 0;
}

extern "C" unsigned sx_mset_upper_bound(const sx_mset *m)
{
    return m ? m->mset.get_matches_upper_bound() : 0;
}

extern "C" unsigned sx_mset_docid(const sx_mset *m, unsigned i)
{
    if (!m || i >= m->mset.size())
        return 0;
    try {
        return *m->mset[i];
    } catch (...) {
        return 0;
    }
}

extern "C" double sx_mset_weight(const sx_mset *m, unsigned i)
{
    if (!m || i >= m->mset.size())
        return 0.0;
    try {
        return m->mset[i].get_weight();
    } catch (...) {
        return 0.0;
    }
}

extern "C" sx_status sx_mset_termfreq(const sx_mset *m, const char *term, size_t len, unsigned *out,
                                     sx_error *err)
{
    SX_REQUIRE(m && term && out, err, "mset, term or out is NULL");
    try {
        *out = m->mset.get_termfreq(std::string(term, len));
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" unsigned sx_mset_collapse_count(const sx_mset *m, unsigned i)
{
    if (!m || i >= m->mset.size())
        return 0;
    try {
        return m->mset[i].get_collapse_count();
    } catch (...) {
        return 0;
    }
}

extern "C" sx_status sx_mset_collapse_key(const sx_mset *m, unsigned i, char **out, size_t *len,
                                         sx_error *err)
{
    SX_REQUIRE(out && len, err, "out or len is NULL");
    *out = nullptr;
    *len = 0;
    SX_REQUIRE(m, err, "mset is NULL");
    if (i >= m->mset.size())
        return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: hit %u out of range (size %u)", __func__,
                            i, (unsigned)m->mset.size());
    try {
        std::string k = m->mset[i].get_collapse_key();
        char *p = static_cast<char *>(malloc(k.size() + 1));
        if (!p)
            return sx_set_error(err, SX_ERR_NO_MEMORY, "%s: out of memory", __func__);
        memcpy(p, k.data(), k.size());
        p[k.size()] = '\0';
        *out = p;
        *len = k.size();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_mset_document(const sx_mset *m, unsigned i, sx_doc **out, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(m, err, "mset is NULL");
    if (i >= m->mset.size())
        return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: hit %u out of range (size %u)", __func__,
                            i, (unsigned)m->mset.size());
    sx_doc *doc = nullptr;
    try {
        doc = new sx_doc;
        doc->doc = m->mset[i].get_document();
        *out = doc;
        return SX_OK;
    } catch (...) {
        delete doc;
        return sx_fail(err, nullptr);
    }
}

/* The hits [first, first + n) of part `part` of the union searched, read
 * through that part's own handle (Xapian numbers a union's documents by
 * interleaving its parts: docid = (local - 1) * nparts + part + 1). */
struct part_reads {
    const Xapian::Database *db = nullptr;
    std::vector<unsigned> hits;   /* indexes into the MSet */
    std::vector<Xapian::docid> local;
    std::exception_ptr failure;
};

static void read_part(part_reads &r, std::vector<Xapian::Document> &out) noexcept
{
    try {
        for (size_t k = 0; k < r.hits.size(); k++)
            out[r.hits[k]] = r.db->get_document(r.local[k], Xapian::DOC_ASSUME_VALID);
    } catch (...) {
        r.failure = std::current_exception();
    }
}

extern "C" sx_status sx_mset_documents(const sx_mset *m, unsigned n, const unsigned *slots, size_t nslots,
                                      sx_doc **docs, sx_error *err)
{
    SX_REQUIRE(m, err, "mset is NULL");
    SX_REQUIRE(n <= m->mset.size(), err, "n is beyond the hits");
    SX_REQUIRE(docs || n == 0, err, "docs is NULL");
    SX_REQUIRE(slots || nslots == 0, err, "slots is NULL");
    for (unsigned i = 0; i < n; i++)
        docs[i] = nullptr;
    if (n == 0)
        return SX_OK;
    std::vector<Xapian::Document> got(n);
    try {
        /* Xapian 1.4.22's MSet::fetch() counts the items from 0 while
         * fetch_items() expects them to count from the MSet's first item:
         * with an offset it reads before its array (a crash), and the
         * iterator overloads pass positions counted from the end (nothing
         * is fetched).  So the whole MSet is prefetched, for a first page
         * only (a few hits past the page: readahead hints, no reads). */
        if (m->mset.get_firstitem() == 0)
            m->mset.fetch();
        sx_db *db = m->db;
        size_t nparts = db ? db->parts.size() : 0;
        std::vector<part_reads> reads(nparts);
        size_t busy_remote = 0;
        bool simple = nparts > 1 && db->rdb.size() == nparts; /* every part one shard */
        if (simple) {
            for (unsigned i = 0; i < n; i++) {
                Xapian::docid did = *m->mset[i];
                size_t p = (did - 1) % nparts;
                reads[p].db = &db->parts[p];
                reads[p].hits.push_back(i);
                reads[p].local.push_back((did - 1) / nparts + 1);
            }
            for (size_t p = 0; p < nparts; p++)
                busy_remote += db->part_remote[p] && !reads[p].hits.empty();
        }
        if (busy_remote > 1) {
            /* Several servers owe documents: ask them all at once, the
             * last one from this thread; local parts need no thread. */
            std::vector<std::thread> threads;
            threads.reserve(nparts); /* no reallocation (and bad_alloc) once threads run */
            size_t last = nparts;
            for (size_t p = 0; p < nparts; p++)
                if (!reads[p].hits.empty() && db->part_remote[p])
                    last = p;
            for (size_t p = 0; p < nparts; p++) {
                if (reads[p].hits.empty() || p == last)
                    continue;
                if (!db->part_remote[p]) {
                    read_part(reads[p], got);
                    continue;
                }
                try {
                    threads.emplace_back(read_part, std::ref(reads[p]), std::ref(got));
                } catch (const std::system_error &) {
                    read_part(reads[p], got); /* no thread to spare: read it here */
                }
            }
            read_part(reads[last], got);
            for (std::thread &t : threads)
                t.join();
            for (part_reads &r : reads)
                if (r.failure)
                    std::rethrow_exception(r.failure);
        } else {
            /* Through the database, not the MSet: the MSet would read every
             * document fetch() asked for (the hits past the page too).  The
             * documents exist (the match found them): no existence check. */
            for (unsigned i = 0; i < n; i++)
                got[i] = db ? db->db().get_document(*m->mset[i], Xapian::DOC_ASSUME_VALID)
                            : m->mset[i].get_document();
        }
        /* Xapian reads a local document's values when asked for them, and a
         * commit in between can make that revision vanish
         * (DatabaseModifiedError): the slots the caller needs are read now,
         * with the matching, and kept (values_count() would read every slot,
         * facets and all: a quarter of a query's block reads). */
        const sx_kept_values *kept = db ? db->kept.get() : nullptr; /* sx_db_keep_values */
        for (unsigned i = 0; i < n; i++) {
            docs[i] = new sx_doc;
            docs[i]->doc = got[i];
            docs[i]->values.reserve(nslots);
            for (size_t k = 0; k < nslots; k++) {
                std::string v;
                if (!(kept && slots[k] == db->keep_slot && kept->get(*m->mset[i], v)))
                    v = got[i].get_value(slots[k]);
                docs[i]->values.emplace_back(slots[k], std::move(v));
            }
        }
        return SX_OK;
    } catch (...) {
        for (unsigned i = 0; i < n; i++) {
            delete docs[i];
            docs[i] = nullptr;
        }
        return sx_fail(err, m->db ? m->db->path.c_str() : nullptr);
    }
}

extern "C" void sx_mset_free(sx_mset *m)
{
    delete m;
}
