/*
 * sx_stub.cc: stub database files (Xapian's list of shards) read into data,
 * with sou's "#sou-replica HOST:PORT" directive (see sou_xapian.h).
 *
 * The grammar is Xapian's own (backends/databasehelpers.h, read_stub_file),
 * so a stub accepted here opens the same shards in xapian-delve or
 * xapian-tcpsrv; messages say which line is wrong and why.
 */
#include "sx_internal.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>

#include <sys/stat.h>
#include <unistd.h>

/* A stub is a few lines: anything bigger is not one. */
#define STUB_MAX_BYTES (1u << 20)
#define REPLICA_DIRECTIVE "#sou-replica "

static bool is_single_file_glass(const char *path)
{
    char magic[14];
    std::ifstream f(path, std::ios::binary);
    return f.read(magic, sizeof magic) && memcmp(magic, "\x0f\x0dXapian Glass", 14) == 0;
}

/* The stub file that path names, or "" when path is not a stub. */
static std::string stub_file_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return "";
    if (S_ISDIR(st.st_mode)) {
        std::string f = std::string(path) + "/XAPIANDB";
        return access(f.c_str(), F_OK) == 0 ? f : "";
    }
    return S_ISREG(st.st_mode) && !is_single_file_glass(path) ? std::string(path) : "";
}

extern "C" int sx_stub_is_stub(const char *path)
{
    try {
        return path && *path && !stub_file_of(path).empty();
    } catch (...) {
        return 0;
    }
}

static char *dup(const std::string &s)
{
    char *p = sx_strndup(s.data(), s.size());
    if (!p)
        throw std::bad_alloc();
    return p;
}

/* Xapian's resolve_relative_path: relative to the stub file's directory. */
static std::string resolve(const std::string &p, const std::string &stub)
{
    if (p.empty() || p[0] == '/')
        return p;
    std::string::size_type slash = stub.rfind('/');
    return slash == std::string::npos ? p : stub.substr(0, slash + 1) + p;
}

/* "HOST:PORT" or "[V6]:PORT".  false when malformed. */
static bool parse_address(const std::string &a, std::string &host, unsigned &port)
{
    std::string::size_type colon = a.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == a.size())
        return false;
    const char *p = a.c_str() + colon + 1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (*end || errno || v == 0 || v > 65535 || *p < '0' || *p > '9')
        return false;
    host = a.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty() || host.find(' ') != std::string::npos)
        return false;
    port = (unsigned)v;
    return true;
}

static void spec_free(sx_shard_spec *s)
{
    free(s->path);
    free(s->args);
    for (size_t i = 0; i < s->naddrs; i++)
        free(s->hosts[i]);
    free(s->hosts);
    free(s->ports);
    free(s->name);
}

extern "C" void sx_stub_free(sx_stub *stub)
{
    if (!stub)
        return;
    for (size_t i = 0; i < stub->n; i++)
        spec_free(&stub->shards[i]);
    free(stub->shards);
    free(stub->path);
    free(stub);
}

static void add_address(sx_shard_spec *s, const std::string &host, unsigned port)
{
    char **h = static_cast<char **>(realloc(s->hosts, (s->naddrs + 1) * sizeof *h));
    if (!h)
        throw std::bad_alloc();
    s->hosts = h;
    unsigned *p = static_cast<unsigned *>(realloc(s->ports, (s->naddrs + 1) * sizeof *p));
    if (!p)
        throw std::bad_alloc();
    s->ports = p;
    s->hosts[s->naddrs] = dup(host);
    s->ports[s->naddrs] = port;
    s->naddrs++;
}

extern "C" sx_status sx_stub_read(const char *path, sx_stub **out, sx_error *err)
{
    SX_REQUIRE(out, err, "out is NULL");
    *out = nullptr;
    SX_REQUIRE(path && *path, err, "path is NULL or empty");
    sx_stub *stub = nullptr;
    try {
        std::string file = stub_file_of(path);
        if (file.empty())
            return sx_set_error(err, SX_ERR_NOT_FOUND, "%s: not a stub database", path);
        std::ifstream in(file);
        if (!in)
            return sx_set_error(err, SX_ERR_IO, "%s: cannot read: %s", file.c_str(), strerror(errno));
        stub = static_cast<sx_stub *>(calloc(1, sizeof *stub));
        if (!stub)
            throw std::bad_alloc();
        stub->path = dup(file);
        std::string line;
        unsigned line_no = 0;
        size_t bytes = 0, cap = 0;
        sx_status st = SX_OK;
#define BAD(...)                                                                          \
    do {                                                                                  \
        st = sx_set_error(err, SX_ERR_INVALID_ARG, __VA_ARGS__);                          \
        goto fail;                                                                        \
    } while (0)
        while (std::getline(in, line)) {
            ++line_no;
            if ((bytes += line.size() + 1) > STUB_MAX_BYTES)
                BAD("%s: larger than %u bytes: not a stub database", file.c_str(), STUB_MAX_BYTES);
            if (line.compare(0, strlen(REPLICA_DIRECTIVE), REPLICA_DIRECTIVE) == 0) {
                std::string host, a = line.substr(strlen(REPLICA_DIRECTIVE));
                unsigned port;
                sx_shard_spec *last = stub->n ? &stub->shards[stub->n - 1] : nullptr;
                if (!last || last->kind != SX_SHARD_REMOTE)
                    BAD("%s:%u: #sou-replica must follow a \"remote HOST:PORT\" line", file.c_str(),
                        line_no);
                if (!parse_address(a, host, port))
                    BAD("%s:%u: #sou-replica wants HOST:PORT, got \"%.64s\"", file.c_str(), line_no,
                        a.c_str());
                add_address(last, host, port);
                continue;
            }
            if (line.empty() || line[0] == '#')
                continue;
            std::string::size_type space = line.find(' ');
            std::string type = line.substr(0, space);
            std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
            if (stub->n == cap) {
                cap = cap ? cap * 2 : 8;
                sx_shard_spec *v =
                    static_cast<sx_shard_spec *>(realloc(stub->shards, cap * sizeof *v));
                if (!v)
                    throw std::bad_alloc();
                stub->shards = v;
            }
            sx_shard_spec *s = &stub->shards[stub->n];
            memset(s, 0, sizeof *s);
            stub->n++;
            s->line = line_no;
            s->name = dup(line);
            if (type == "auto" || type == "glass" || type == "chert") {
                if (rest.empty())
                    BAD("%s:%u: \"%s\" wants a path", file.c_str(), line_no, type.c_str());
                s->kind = SX_SHARD_LOCAL;
                s->path = dup(resolve(rest, file));
            } else if (type == "remote" && !rest.empty() && rest[0] == ':') {
                std::string::size_type sp = rest.find(' ');
                s->kind = SX_SHARD_PROGRAM;
                s->path = dup(rest.substr(1, sp == std::string::npos ? std::string::npos : sp - 1));
                s->args = dup(sp == std::string::npos ? "" : rest.substr(sp + 1));
                if (!*s->path)
                    BAD("%s:%u: \"remote :PROGRAM\" wants a program", file.c_str(), line_no);
            } else if (type == "remote") {
                std::string host;
                unsigned port;
                if (!parse_address(rest, host, port))
                    BAD("%s:%u: \"remote\" wants HOST:PORT (or :PROGRAM ARGS), got \"%.64s\"",
                        file.c_str(), line_no, rest.c_str());
                s->kind = SX_SHARD_REMOTE;
                add_address(s, host, port);
            } else if (type == "inmemory") {
                BAD("%s:%u: an inmemory database cannot be a sou shard", file.c_str(), line_no);
            } else {
                BAD("%s:%u: unknown shard type \"%.32s\" (auto, glass, chert, remote)", file.c_str(),
                    line_no, type.c_str());
            }
        }
        if (stub->n == 0)
            BAD("%s: lists no shard", file.c_str());
#undef BAD
        *out = stub;
        return SX_OK;
    fail:
        sx_stub_free(stub);
        return st;
    } catch (...) {
        sx_stub_free(stub);
        return sx_fail(err, path);
    }
}
