/*
 * sx_db.cc: opening, closing, writing and inspecting databases.
 */
#include "sx_internal.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <vector>

#include <sys/stat.h>

/* Writable-only operations on a read-only handle are a caller error. */
#define SX_REQUIRE_WRITABLE(db, err)                                                     \
    do {                                                                                 \
        if (!(db)->writable)                                                             \
            return sx_set_error((err), SX_ERR_INVALID_ARG, "%s: %s: database is read-only", \
                                __func__, (db)->path.c_str());                           \
    } while (0)

static int xapian_mode(int mode)
{
    switch (mode) {
    case SX_DB_OPEN: return Xapian::DB_OPEN;
    case SX_DB_CREATE: return Xapian::DB_CREATE;
    case SX_DB_CREATE_OR_OPEN: return Xapian::DB_CREATE_OR_OPEN;
    case SX_DB_CREATE_OR_OVERWRITE: return Xapian::DB_CREATE_OR_OVERWRITE;
    }
    return -1;
}

extern "C" sx_status sx_db_open_writable(const char *path, sx_db_mode mode, sx_db **out,
                                         sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(path && *path, err, "path is NULL or empty");
    int flags = xapian_mode(sx_enum_value(mode));
    if (flags < 0)
        return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: %s: unknown mode %d", __func__, path,
                            sx_enum_value(mode));
    sx_db *db = nullptr;
    try {
        db = new sx_db;
        db->path = path;
        /* New databases are glass, whatever Xapian's default may become. */
        if (mode != SX_DB_OPEN)
            flags |= Xapian::DB_BACKEND_GLASS;
        db->wdb = Xapian::WritableDatabase(db->path, flags);
        db->writable = true;
        *out = db;
        return SX_OK;
    } catch (...) {
        delete db;
        return sx_fail(err, path);
    }
}

extern "C" sx_status sx_db_open_readonly(const char *path, sx_db **out, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(path && *path, err, "path is NULL or empty");
    sx_db *db = nullptr;
    try {
        db = new sx_db;
        db->path = path;
        db->rdb = Xapian::Database(db->path);
        *out = db;
        return SX_OK;
    } catch (...) {
        delete db;
        return sx_fail(err, path);
    }
}

extern "C" void sx_db_close(sx_db *db)
{
    if (!db)
        return;
    try {
        /* close() commits a writable database outside a transaction (and
         * cancels an open one), then releases the lock at once.  A union
         * only borrows its parts' internals: leave them open. */
        if (db->parts.empty())
            db->db().close();
    } catch (...) {
        /* Documented: failures on close are swallowed. */
    }
    try {
        delete db;
    } catch (...) {
    }
}

extern "C" sx_status sx_db_commit(sx_db *db, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        db->wdb.commit();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_begin_transaction(sx_db *db, int flushed, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        db->wdb.begin_transaction(flushed != 0);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_commit_transaction(sx_db *db, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        db->wdb.commit_transaction();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_cancel_transaction(sx_db *db, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        db->wdb.cancel_transaction();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_replace_by_term(sx_db *db, const char *idterm, const sx_doc *doc,
                                          unsigned *docid_out, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(idterm && *idterm, err, "idterm is NULL or empty");
    SX_REQUIRE(doc, err, "doc is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        std::string term(idterm);
        /* Xapian finds the document to replace by this term but does not add
         * it: a document without it could never be replaced or deleted, and
         * re-indexing would silently duplicate it.  Refuse that here. */
        Xapian::TermIterator t = doc->doc.termlist_begin();
        t.skip_to(term);
        if (t == doc->doc.termlist_end() || *t != term)
            return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: %s: document lacks its id term %s",
                                __func__, db->path.c_str(), idterm);
        Xapian::docid did = db->wdb.replace_document(term, doc->doc);
        if (docid_out)
            *docid_out = did;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_replace_group(sx_db *db, const char *idterm, const sx_doc *const *docs,
                                        size_t n, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(idterm && *idterm, err, "idterm is NULL or empty");
    SX_REQUIRE(docs && n > 0, err, "no documents");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        std::string term(idterm);
        for (size_t i = 0; i < n; i++) {
            SX_REQUIRE(docs[i], err, "a document is NULL");
            Xapian::TermIterator t = docs[i]->doc.termlist_begin();
            t.skip_to(term);
            if (t == docs[i]->doc.termlist_end() || *t != term)
                return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: %s: document %zu lacks its id term %s",
                                    __func__, db->path.c_str(), i, idterm);
        }
        /* replace_document(term) keeps the lowest document id with the term
         * for the first document and deletes the others: the old group is
         * gone whatever its size, and the rest of the new one is added. */
        db->wdb.replace_document(term, docs[0]->doc);
        for (size_t i = 1; i < n; i++)
            db->wdb.add_document(docs[i]->doc);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_delete_by_term(sx_db *db, const char *idterm, int *deleted,
                                         sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(idterm && *idterm, err, "idterm is NULL or empty");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        std::string term(idterm);
        /* A writable handle sees its own uncommitted changes, so this tells
         * whether the delete below removes anything. */
        bool existed = db->wdb.term_exists(term);
        if (existed)
            db->wdb.delete_document(term);
        if (deleted)
            *deleted = existed ? 1 : 0;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_doccount(sx_db *db, unsigned *out, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(out, err, "out is NULL");
    try {
        *out = db->db().get_doccount();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_revision(sx_db *db, uint64_t *out, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(out, err, "out is NULL");
    try {
        *out = db->db().get_revision();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

/* The values kept of each revision, by database uuid, revision and slot:
 * searchd's workers each open the index, and one copy serves them all. */
static std::mutex kept_mu;
static std::map<std::string, std::weak_ptr<const sx_kept_values>> kept_by_revision;

/* db->keep_slot's values of db's revision into db->kept (NULL when they
 * take more than db->keep_max bytes: then keep_max is 0 and later reopens
 * do not read them again).  Throws as Xapian does, db->kept NULL. */
static void read_kept(sx_db *db)
{
    db->kept.reset();
    if (db->keep_max == 0)
        return;
    auto give_up = [db] {
        db->kept.reset();
        db->keep_max = 0;
    };
    Xapian::Database &x = db->db();
    std::string key = x.get_uuid() + '/' + std::to_string(x.get_revision()) + '/' + std::to_string(db->keep_slot);
    std::lock_guard<std::mutex> lock(kept_mu); /* the workers that reopen at once read them once */
    auto held = kept_by_revision.find(key);
    if (held != kept_by_revision.end() && (db->kept = held->second.lock())) {
        if (db->kept->size() > db->keep_max)
            give_up();
        return;
    }
    Xapian::docid last = x.get_lastdocid();
    if (((size_t)last + 2) * sizeof(uint32_t) > db->keep_max)
        return give_up();
    auto k = std::make_shared<sx_kept_values>();
    k->off.assign((size_t)last + 2, 0);
    Xapian::docid next = 1; /* the first document whose offset is not set yet */
    for (Xapian::ValueIterator it = x.valuestream_begin(db->keep_slot); it != x.valuestream_end(db->keep_slot); ++it) {
        for (Xapian::docid did = it.get_docid(); next <= did; next++) /* no value: empty */
            k->off[next] = (uint32_t)k->bytes.size();
        k->bytes += *it;
        if (k->size() > db->keep_max)
            return give_up();
    }
    for (; next < k->off.size(); next++)
        k->off[next] = (uint32_t)k->bytes.size();
    for (auto it = kept_by_revision.begin(); it != kept_by_revision.end();) /* revisions nobody reads */
        it = it->second.expired() ? kept_by_revision.erase(it) : std::next(it);
    kept_by_revision[key] = k;
    db->kept = std::move(k);
}

extern "C" sx_status sx_db_keep_values(sx_db *db, unsigned slot, size_t max_bytes, int *kept, sx_error *err)
{
    if (kept)
        *kept = 0;
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(!db->writable, err, "a writable database is not kept in memory");
    db->keep_slot = slot;
    /* offsets are 32-bit: at most 4 GiB */
    db->keep_max = db->remote || !db->parts.empty() ? 0 : max_bytes < UINT32_MAX ? max_bytes : UINT32_MAX;
    try {
        read_kept(db);
        if (kept)
            *kept = db->kept ? 1 : 0;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_reopen(sx_db *db, int *changed, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    try {
        bool c = db->db().reopen();
        if (changed)
            *changed = c ? 1 : 0;
        if (c && db->keep_max) {
            /* the values of the new revision; a failure (a commit racing
             * the read) leaves none held: they are read from the database */
            try {
                read_kept(db);
            } catch (...) {
            }
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_termfreq(sx_db *db, const char *term, size_t term_len, unsigned *out,
                                   sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(term || term_len == 0, err, "term is NULL");
    SX_REQUIRE(out, err, "out is NULL");
    try {
        /* The empty term is Xapian's "every document": answer 0 instead. */
        *out = term_len ? db->db().get_termfreq(std::string(term, term_len)) : 0;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_value_freq(sx_db *db, unsigned slot, unsigned *out, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(out, err, "out is NULL");
    SX_REQUIRE(slot != Xapian::BAD_VALUENO, err, "slot is Xapian::BAD_VALUENO");
    try {
        *out = db->db().get_value_freq(slot);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_termfreqs(sx_db *db, const char *const *terms, const size_t *lens, size_t n,
                                     unsigned *out, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE((terms && lens && out) || n == 0, err, "terms, lens or out is NULL");
    try {
        Xapian::Database &d = db->db();
        if (!db->remote) {
            for (size_t i = 0; i < n; i++)
                out[i] = lens[i] ? d.get_termfreq(std::string(terms[i], lens[i])) : 0;
            return SX_OK;
        }
        /* An empty page of the OR of the terms: the match gathers every
         * term's statistics from every shard at once, and keeps them. */
        std::vector<Xapian::Query> subs;
        for (size_t i = 0; i < n; i++)
            if (lens[i])
                subs.emplace_back(std::string(terms[i], lens[i]));
        Xapian::Enquire e(d);
        e.set_query(Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end()));
        Xapian::MSet m = e.get_mset(0, 0);
        for (size_t i = 0; i < n; i++)
            out[i] = lens[i] ? m.get_termfreq(std::string(terms[i], lens[i])) : 0;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_find_by_term(sx_db *db, const char *idterm, unsigned *docid,
                                       sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(idterm && *idterm, err, "idterm is NULL or empty");
    SX_REQUIRE(docid, err, "docid is NULL");
    try {
        Xapian::Database &d = db->db();
        Xapian::PostingIterator it = d.postlist_begin(idterm);
        if (it == d.postlist_end(idterm))
            return sx_set_error(err, SX_ERR_NOT_FOUND, "%s: no document has the term %s",
                                db->path.c_str(), idterm);
        *docid = *it;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_get_document(sx_db *db, unsigned docid, sx_doc **out, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(db, err, "db is NULL");
    if (docid == 0)
        return sx_set_error(err, SX_ERR_NOT_FOUND, "%s: document id 0 does not exist",
                            db->path.c_str());
    sx_doc *doc = nullptr;
    try {
        doc = new sx_doc;
        /* DOC_ASSUME_VALID would defer the existence check; we want
         * SX_ERR_NOT_FOUND here, not later from sx_doc_get_data. */
        doc->doc = db->db().get_document(docid);
        *out = doc;
        return SX_OK;
    } catch (...) {
        delete doc;
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_positions(sx_db *db, unsigned docid, const char *term, size_t term_len,
                                    uint32_t **positions, size_t *count, sx_error *err)
{
    SX_REQUIRE(positions, err, "positions is NULL");
    SX_REQUIRE(count, err, "count is NULL");
    *positions = nullptr;
    *count = 0;
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(term && term_len, err, "term is NULL or empty");
    uint32_t *buf = nullptr;
    try {
        Xapian::Database &d = db->db();
        std::string t(term, term_len);
        Xapian::PositionIterator it = d.positionlist_begin(docid, t);
        Xapian::PositionIterator end = d.positionlist_end(docid, t);
        std::vector<uint32_t> v;
        for (; it != end; ++it)
            v.push_back(*it);
        if (!v.empty()) {
            buf = static_cast<uint32_t *>(malloc(v.size() * sizeof *buf));
            if (!buf)
                throw std::bad_alloc();
            memcpy(buf, v.data(), v.size() * sizeof *buf);
        }
        *positions = buf;
        *count = v.size();
        return SX_OK;
    } catch (...) {
        free(buf);
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_each_term(sx_db *db, unsigned docid, sx_term_fn fn, void *ctx,
                                    sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        Xapian::Database &d = db->db();
        Xapian::TermIterator end = d.termlist_end(docid);
        for (Xapian::TermIterator it = d.termlist_begin(docid); it != end; ++it) {
            const std::string &t = *it;
            if (fn(t.data(), t.size(), it.get_wdf(), ctx))
                break;
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_each_prefixed(sx_db *db, const char *prefix, size_t len, unsigned max,
                                        sx_term_freq_fn fn, void *ctx, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(prefix || len == 0, err, "prefix is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        Xapian::Database &d = db->db();
        const std::string p(prefix ? prefix : "", len);
        Xapian::TermIterator end = d.allterms_end(p);
        unsigned n = 0;
        for (Xapian::TermIterator it = d.allterms_begin(p); it != end && (max == 0 || n < max); ++it, ++n) {
            const std::string &t = *it;
            if (fn(t.data(), t.size(), it.get_termfreq(), ctx))
                break;
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_postings(sx_db *db, const char *term, size_t term_len, unsigned **out, size_t *n,
                                   sx_error *err)
{
    SX_REQUIRE(out && n, err, "out or n is NULL");
    *out = nullptr;
    *n = 0;
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(term, err, "term is NULL");
    try {
        Xapian::Database &d = db->db();
        const std::string t(term, term_len);
        std::vector<unsigned> ids;
        for (Xapian::PostingIterator it = d.postlist_begin(t); it != d.postlist_end(t); ++it)
            ids.push_back(*it);
        if (!ids.empty()) {
            *out = static_cast<unsigned *>(malloc(ids.size() * sizeof **out));
            if (!*out)
                return sx_set_error(err, SX_ERR_NO_MEMORY, "%s", "postings");
            memcpy(*out, ids.data(), ids.size() * sizeof **out);
            *n = ids.size();
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_each_posting(sx_db *db, const char *term, size_t term_len, sx_docid_fn fn,
                                       void *ctx, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(term, err, "term is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        Xapian::Database &d = db->db();
        std::string t(term, term_len);
        Xapian::PostingIterator end = d.postlist_end(t);
        for (Xapian::PostingIterator it = d.postlist_begin(t); it != end; ++it)
            if (fn(*it, ctx))
                break;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_add_synonym(sx_db *db, const char *term, const char *synonym, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(term && *term && synonym && *synonym, err, "term or synonym is NULL or empty");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        db->wdb.add_synonym(term, synonym);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_clear_synonyms(sx_db *db, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        /* collect first: clearing while iterating the keys is not allowed */
        std::vector<std::string> keys;
        for (Xapian::TermIterator k = db->wdb.synonym_keys_begin(); k != db->wdb.synonym_keys_end(); ++k)
            keys.push_back(*k);
        for (const std::string &k : keys)
            db->wdb.clear_synonyms(k);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_each_synonym(sx_db *db, const char *term, size_t term_len, sx_synonym_fn fn,
                                       void *ctx, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(term, err, "term is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        Xapian::Database &d = db->db();
        std::string t(term, term_len);
        for (Xapian::TermIterator it = d.synonyms_begin(t); it != d.synonyms_end(t); ++it) {
            const std::string &v = *it;
            if (fn(v.data(), v.size(), ctx))
                break;
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_each_synonym_key(sx_db *db, sx_synonym_fn fn, void *ctx, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(fn, err, "fn is NULL");
    try {
        Xapian::Database &d = db->db();
        for (Xapian::TermIterator k = d.synonym_keys_begin(); k != d.synonym_keys_end(); ++k) {
            const std::string &v = *k;
            if (fn(v.data(), v.size(), ctx))
                break;
        }
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_synonym_count(sx_db *db, unsigned *keys, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(keys, err, "keys is NULL");
    try {
        Xapian::Database &d = db->db();
        unsigned n = 0;
        for (Xapian::TermIterator k = d.synonym_keys_begin(); k != d.synonym_keys_end(); ++k)
            n++;
        *keys = n;
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_compact(const char *const *src, size_t n, const char *dest,
                                  sx_error *err)
{
    SX_REQUIRE(src && n > 0, err, "no source databases");
    SX_REQUIRE(dest && *dest, err, "dest is NULL or empty");
    for (size_t i = 0; i < n; i++)
        if (!src[i] || !*src[i])
            return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: source %zu is NULL or empty",
                                __func__, i);
    struct stat st;
    if (stat(dest, &st) == 0 || errno != ENOENT)
        return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: %s: destination already exists",
                            __func__, dest);
    const char *current = nullptr;
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++) {
            current = src[i];
            all.add_database(Xapian::Database(src[i]));
        }
        current = dest;
        all.compact(dest, Xapian::DB_BACKEND_GLASS | Xapian::DBCOMPACT_MULTIPASS);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, current);
    }
}

extern "C" sx_status sx_db_get_metadata(sx_db *db, const char *key, char **out, size_t *len,
                                       sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(key && *key, err, "key is NULL or empty");
    try {
        std::string v = db->db().get_metadata(key);
        if (!(*out = sx_strndup(v.data(), v.size())))
            throw std::bad_alloc();
        if (len)
            *len = v.size();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" sx_status sx_db_set_metadata(sx_db *db, const char *key, const char *value,
                                       sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    SX_REQUIRE(key && *key, err, "key is NULL or empty");
    SX_REQUIRE(value, err, "value is NULL");
    SX_REQUIRE_WRITABLE(db, err);
    try {
        db->wdb.set_metadata(key, value);
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}
