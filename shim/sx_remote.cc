/*
 * sx_remote.cc: Xapian's remote backend (databases served by xapian-tcpsrv),
 * unions of shards, and telling which shard an error came from.
 */
#include "sx_internal.h"

#include <cstring>
#include <new>

/* The context Xapian gives a remote database's errors (net/remotetcpclient.cc,
 * net/progclient.cc): how an error is traced back to its shard. */
static std::string tcp_context(const char *host, unsigned port)
{
    return std::string("remote:tcp(") + host + ":" + std::to_string(port) + ")";
}

static std::string prog_context(const char *program, const char *args)
{
    return std::string("remote:prog(") + program + " " + args + ")";
}

extern "C" sx_status sx_db_open_remote(const char *host, unsigned port, unsigned timeout_ms,
                                      unsigned connect_timeout_ms, int writable, sx_db **out,
                                      sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(host && *host, err, "host is NULL or empty");
    SX_REQUIRE(port > 0 && port < 65536, err, "port must be 1..65535");
    sx_db *db = nullptr;
    std::string name;
    try {
        db = new sx_db;
        name = std::string(host) + ":" + std::to_string(port);
        db->path = "remote " + name;
        db->context = tcp_context(host, port);
        db->remote = true;
        if (writable) {
            db->wdb = Xapian::Remote::open_writable(host, port, timeout_ms, connect_timeout_ms);
            db->writable = true;
        } else {
            db->rdb = Xapian::Remote::open(host, port, timeout_ms, connect_timeout_ms);
        }
        *out = db;
        return SX_OK;
    } catch (...) {
        sx_status st = sx_fail(err, name.empty() ? host : db->path.c_str());
        delete db;
        return st;
    }
}

extern "C" sx_status sx_db_open_remote_program(const char *program, const char *args,
                                              unsigned timeout_ms, int writable, sx_db **out,
                                              sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(program && *program, err, "program is NULL or empty");
    if (!args)
        args = "";
    sx_db *db = nullptr;
    try {
        db = new sx_db;
        db->path = std::string("remote :") + program + (*args ? " " : "") + args;
        db->context = prog_context(program, args);
        db->remote = true;
        if (writable) {
            db->wdb = Xapian::Remote::open_writable(program, args, timeout_ms);
            db->writable = true;
        } else {
            db->rdb = Xapian::Remote::open(program, args, timeout_ms);
        }
        *out = db;
        return SX_OK;
    } catch (...) {
        sx_status st = sx_fail(err, db ? db->path.c_str() : program);
        delete db;
        return st;
    }
}

extern "C" sx_status sx_db_union(sx_db *const *parts, size_t n, sx_db **out, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(parts || n == 0, err, "parts is NULL");
    for (size_t i = 0; i < n; i++)
        if (!parts[i])
            return sx_set_error(err, SX_ERR_INVALID_ARG, "%s: part %zu is NULL", __func__, i);
    sx_db *db = nullptr;
    try {
        db = new sx_db;
        db->path = "union of " + std::to_string(n) + " shards";
        for (size_t i = 0; i < n; i++) {
            Xapian::Database &part = parts[i]->db();
            db->rdb.add_database(part);
            db->parts.push_back(part);
            db->part_remote.push_back(parts[i]->remote);
            db->part_context.push_back(parts[i]->context);
            db->remote = db->remote || parts[i]->remote;
        }
        *out = db;
        return SX_OK;
    } catch (...) {
        delete db;
        return sx_fail(err, nullptr);
    }
}

extern "C" sx_status sx_db_ping(sx_db *db, sx_error *err)
{
    SX_REQUIRE(db, err, "db is NULL");
    try {
        db->db().keep_alive();
        return SX_OK;
    } catch (...) {
        return sx_fail(err, db->path.c_str());
    }
}

extern "C" int sx_db_is_remote(const sx_db *db)
{
    return db && db->remote;
}

extern "C" int sx_error_is_from(const sx_error *err, const sx_db *db)
{
    if (!err || !db || !err->context[0])
        return 0;
    if (!db->context.empty() && db->context == err->context)
        return 1;
    for (const std::string &c : db->part_context)
        if (!c.empty() && c == err->context)
            return 1;
    return 0;
}
