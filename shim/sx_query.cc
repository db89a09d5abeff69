/*
 * sx_query.cc: building Xapian queries from C.
 */
#include "sx_internal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <new>
#include <vector>

/* Wrap a built query into a new handle; throws bad_alloc. */
static sx_query *wrap(const Xapian::Query &q)
{
    sx_query *out = new sx_query;
    out->q = q;
    return out;
}

extern "C" sx_query *sx_query_term(const char *term, size_t len, unsigned wqf, unsigned pos,
                                   sx_error *err)
{
    SX_REQUIRE_NULL(term && len, err, "term is NULL or empty");
    try {
        return wrap(Xapian::Query(std::string(term, len), wqf ? wqf : 1, pos));
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

static bool xapian_op(int op, Xapian::Query::op *out)
{
    switch (op) {
    case SX_OP_AND: *out = Xapian::Query::OP_AND; return true;
    case SX_OP_OR: *out = Xapian::Query::OP_OR; return true;
    case SX_OP_AND_NOT: *out = Xapian::Query::OP_AND_NOT; return true;
    case SX_OP_AND_MAYBE: *out = Xapian::Query::OP_AND_MAYBE; return true;
    case SX_OP_FILTER: *out = Xapian::Query::OP_FILTER; return true;
    case SX_OP_PHRASE: *out = Xapian::Query::OP_PHRASE; return true;
    case SX_OP_NEAR: *out = Xapian::Query::OP_NEAR; return true;
    case SX_OP_ELITE_SET: *out = Xapian::Query::OP_ELITE_SET; return true;
    case SX_OP_SYNONYM: *out = Xapian::Query::OP_SYNONYM; return true;
    }
    return false;
}

extern "C" sx_query *sx_query_combine(sx_query_op op, const sx_query *const *subs, size_t n,
                                      unsigned window, sx_error *err)
{
    Xapian::Query::op xop;
    if (!xapian_op(sx_enum_value(op), &xop)) {
        sx_set_error(err, SX_ERR_INVALID_ARG, "%s: unknown operator %d", __func__, sx_enum_value(op));
        return nullptr;
    }
    SX_REQUIRE_NULL(subs || n == 0, err, "subs is NULL");
    for (size_t i = 0; i < n; i++) {
        if (!subs[i]) {
            sx_set_error(err, SX_ERR_INVALID_ARG, "%s: subquery %zu is NULL", __func__, i);
            return nullptr;
        }
    }
    try {
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            v.push_back(subs[i]->q);
        if (v.empty())
            return wrap(Xapian::Query());
        switch (op) {
        case SX_OP_AND_NOT:
        case SX_OP_AND_MAYBE:
        case SX_OP_FILTER:
            /* Binary in meaning: the first subquery against the rest,
             * which are OR-ed (AND_NOT, AND_MAYBE) or AND-ed (FILTER:
             * restricted to documents matching every other subquery). */
            if (v.size() > 2) {
                Xapian::Query rest(op == SX_OP_FILTER ? Xapian::Query::OP_AND
                                                      : Xapian::Query::OP_OR,
                                   v.begin() + 1, v.end());
                return wrap(Xapian::Query(xop, v[0], rest));
            }
            return wrap(Xapian::Query(xop, v.begin(), v.end()));
        case SX_OP_PHRASE:
        case SX_OP_NEAR:
        case SX_OP_ELITE_SET:
            /* window 0: Xapian's default (number of subqueries for PHRASE and
             * NEAR, i.e. exact adjacency; 10 for ELITE_SET). */
            return wrap(Xapian::Query(xop, v.begin(), v.end(), window));
        default:
            return wrap(Xapian::Query(xop, v.begin(), v.end()));
        }
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" sx_query *sx_query_scale(const sx_query *sub, double factor, sx_error *err)
{
    SX_REQUIRE_NULL(sub, err, "sub is NULL");
    SX_REQUIRE_NULL(std::isfinite(factor) && factor >= 0, err,
                    "factor must be finite and >= 0");
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, factor));
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" sx_query *sx_query_value_range(unsigned slot, const char *lo, const char *hi,
                                          sx_error *err)
{
    SX_REQUIRE_NULL(slot != Xapian::BAD_VALUENO, err, "slot is Xapian::BAD_VALUENO");
    try {
        if (lo && hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        /* Both open: no restriction at all.  (A document without a value in
         * slot has the empty value, which lies in any open-below range.) */
        if (!lo && !hi)
            return wrap(Xapian::Query::MatchAll);
        if (!hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo ? lo : ""));
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" sx_query *sx_query_prefix(const char *prefix, size_t len, unsigned max_expansion,
                                     sx_error *err)
{
    SX_REQUIRE_NULL(prefix && len > 0, err, "prefix is NULL or empty");
    try {
        /* Xapian reads a limit of 0 as "none" only with LIMIT_ERROR. */
        int limit = max_expansion ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT
                                  : Xapian::Query::WILDCARD_LIMIT_ERROR;
        return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
                                  max_expansion, limit, Xapian::Query::OP_SYNONYM));
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" sx_query *sx_query_prefix_in(sx_db *db, const char *prefix, size_t len,
                                        unsigned max_expansion, sx_error *err)
{
    SX_REQUIRE_NULL(db, err, "db is NULL");
    SX_REQUIRE_NULL(prefix && len > 0, err, "prefix is NULL or empty");
    try {
        std::string p(prefix, len);
        Xapian::Database &d = db->db();
        std::vector<std::pair<Xapian::doccount, std::string>> terms;
        for (Xapian::TermIterator t = d.allterms_begin(p); t != d.allterms_end(p); ++t)
            terms.emplace_back(t.get_termfreq(), *t);
        if (max_expansion && terms.size() > max_expansion) {
            /* The most frequent first, ties in term order: the same choice
             * whatever the order the shards gave them in. */
            std::stable_sort(terms.begin(), terms.end(),
                             [](const auto &a, const auto &b) { return a.first > b.first; });
            terms.resize(max_expansion);
            std::sort(terms.begin(), terms.end(),
                      [](const auto &a, const auto &b) { return a.second < b.second; });
        }
        std::vector<Xapian::Query> level;
        level.reserve(terms.size());
        for (const auto &t : terms)
            level.emplace_back(t.second);
        if (level.empty())
            return wrap(Xapian::Query::MatchNothing);
        /* A SYNONYM is weighted as one term whose frequency Xapian estimates
         * from an OR tree that each shard builds in its own shape (ordered
         * by the shard's own term frequencies), and each OR node rounds:
         * the same documents would score differently on different shards.
         * A nested SYNONYM is just an OR inside one, so pairing the terms
         * into a balanced binary tree fixes the shape: every shard, and one
         * index, estimate the same frequency from the same global counts. */
        while (level.size() > 1) {
            std::vector<Xapian::Query> up;
            up.reserve(level.size() / 2 + 1);
            for (size_t i = 0; i + 1 < level.size(); i += 2)
                up.emplace_back(Xapian::Query::OP_SYNONYM, level[i], level[i + 1]);
            if (level.size() % 2)
                up.push_back(level.back());
            level.swap(up);
        }
        return wrap(Xapian::Query(Xapian::Query::OP_SYNONYM, &level[0], &level[0] + 1));
    } catch (...) {
        sx_fail(err, db->path.c_str());
        return nullptr;
    }
}

extern "C" sx_query *sx_query_match_all(sx_error *err)
{
    try {
        return wrap(Xapian::Query::MatchAll);
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" sx_query *sx_query_fixed_weight(double weight, sx_error *err)
{
    SX_REQUIRE_NULL(std::isfinite(weight) && weight >= 0, err, "weight must be finite and >= 0");
    try {
        /* release(): the query owns the source (and Xapian's remote backend
         * knows how to send this one to a shard) */
        Xapian::PostingSource *src = new Xapian::FixedWeightPostingSource(weight);
        return wrap(Xapian::Query(src->release()));
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" sx_query *sx_query_match_nothing(sx_error *err)
{
    try {
        return wrap(Xapian::Query::MatchNothing);
    } catch (...) {
        sx_fail(err, nullptr);
        return nullptr;
    }
}

extern "C" int sx_query_empty(const sx_query *q)
{
    return !q || q->q.empty();
}

extern "C" char *sx_query_describe(const sx_query *q)
{
    try {
        std::string d = q ? q->q.get_description() : std::string("(null query)");
        return sx_strndup(d.data(), d.size());
    } catch (...) {
        return nullptr;
    }
}

extern "C" void sx_query_free(sx_query *q)
{
    delete q;
}
