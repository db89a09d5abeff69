/*
 * sx_internal.h: private to shim/.  The handle structs behind the opaque
 * types of sou_xapian.h, and the one place where C++ exceptions become
 * sx_status values.
 *
 * Every public function with a body that can throw has the shape
 *
 *     try {
 *         ...
 *         return SX_OK;
 *     } catch (...) {
 *         return sx_fail(err, path);
 *     }
 *
 * sx_fail() rethrows the exception in flight and catches the whole ladder
 * (specific Xapian::*Error first, then Xapian::Error, std::bad_alloc,
 * std::exception and ...), so no exception ever leaves the shim.
 */
#ifndef SOU_SX_INTERNAL_H
#define SOU_SX_INTERNAL_H

#include "sou_xapian.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

/* The value a C caller passed for an enum parameter, as an int.  C may pass
 * any int there, and reading a value outside the enumerators as the C++
 * enum type is undefined (UBSan's -fsanitize=enum stops on it), so the
 * parameter is read as its bytes and checked as an int. */
template <typename E> static inline int sx_enum_value(const E &e)
{
    static_assert(sizeof(E) == sizeof(int), "sou_xapian.h's enums are int-sized");
    int v;
    std::memcpy(&v, &e, sizeof v);
    return v;
}

/* One slot's values of every document of one revision, in memory
 * (sx_db_keep_values), shared by the handles at that revision: document
 * did's value is bytes[off[did] .. off[did + 1]). */
struct sx_kept_values {
    std::vector<uint32_t> off;
    std::string bytes;
    size_t size() const { return bytes.size() + off.size() * sizeof(uint32_t); }
    bool get(Xapian::docid did, std::string &out) const
    {
        if (did + 1 >= off.size())
            return false;
        out.assign(bytes, off[did], off[did + 1] - off[did]);
        return true;
    }
};

struct sx_db {
    Xapian::Database rdb;          /* used when !writable */
    Xapian::WritableDatabase wdb;  /* used when writable */
    bool writable = false;
    std::string path;              /* for error messages */
    std::string context;           /* remote: Xapian's context for it, "remote:tcp(HOST:PORT)" */
    bool remote = false;           /* this handle or one of its parts talks to a server */
    /* A union (sx_db_union): the parts, sharing their internals with rdb,
     * so that the documents of each part can be read from its own thread. */
    std::vector<Xapian::Database> parts;
    std::vector<bool> part_remote;
    std::vector<std::string> part_context;

    /* sx_db_keep_values: the slot to keep and at most how many bytes (0:
     * none, or they outgrew it); kept is its values at the handle's
     * revision, or NULL (not asked, too big, or a reopen failed to read
     * them). */
    unsigned keep_slot = 0;
    size_t keep_max = 0;
    std::shared_ptr<const sx_kept_values> kept;

    Xapian::Database &db() { return writable ? static_cast<Xapian::Database &>(wdb) : rdb; }
};

struct sx_doc {
    Xapian::Document doc;
    /* What was read of a database document, kept: Xapian 1.4 reads the data
     * again on every get_data(), and a value on every get_value() unless
     * all of them were fetched.  Cleared by every change to doc. */
    mutable bool have_data = false;
    mutable std::string data;
    std::vector<std::pair<unsigned, std::string>> values; /* the slots read (sx_mset_documents, sx_docs_read) */
    const std::string &read_data() const /* may throw, as Xapian does */
    {
        if (!have_data) {
            data = doc.get_data();
            have_data = true;
        }
        return data;
    }
    const std::string *has_value(unsigned slot) const
    {
        for (const auto &v : values)
            if (v.first == slot)
                return &v.second;
        return nullptr;
    }
    void forget()
    {
        have_data = false;
        data.clear();
        values.clear();
    }
};

struct sx_query {
    Xapian::Query q;
};

struct sx_enquire {
    sx_db *db;                     /* borrowed */
    Xapian::Enquire enq;
    explicit sx_enquire(sx_db *d) : db(d), enq(d->db()) {}
};

struct sx_spy {
    Xapian::ValueCountMatchSpy spy;
    explicit sx_spy(Xapian::valueno slot) : spy(slot) {}
};

struct sx_mset {
    Xapian::MSet mset;
    sx_db *db = nullptr;           /* borrowed: the database searched */
};

/* Map the exception being handled to a status and fill err (may be NULL).
 * Must be called from inside a catch handler.  path (may be NULL) names the
 * database involved; it goes into the message, and a DatabaseOpeningError on
 * a path that does not exist is reported as SX_ERR_NOT_FOUND. */
sx_status sx_fail(sx_error *err, const char *path) noexcept;

/* Fill err (may be NULL) with status and a printf-style message that is
 * prefixed with the status's default message.  Returns status. */
sx_status sx_set_error(sx_error *err, sx_status status, const char *fmt, ...) noexcept
    __attribute__((format(printf, 3, 4)));

/* Copy s[0..len) into a new malloc()ed NUL-terminated buffer.  NULL on OOM. */
char *sx_strndup(const char *s, size_t len) noexcept;

/* Shorthands for argument checks at the top of public functions. */
#define SX_REQUIRE(cond, err, what)                                                  \
    do {                                                                             \
        if (!(cond))                                                                 \
            return sx_set_error((err), SX_ERR_INVALID_ARG, "%s: %s", __func__, what); \
    } while (0)

#define SX_REQUIRE_NULL(cond, err, what)                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            sx_set_error((err), SX_ERR_INVALID_ARG, "%s: %s", __func__, what); \
            return NULL;                                                      \
        }                                                                     \
    } while (0)

#endif /* SOU_SX_INTERNAL_H */
