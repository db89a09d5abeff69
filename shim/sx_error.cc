/*
 * sx_error.cc: status strings and the single exception-to-status mapping.
 */
#include "sx_internal.h"

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

#include <sys/stat.h>

static const char *const status_strings[] = {
#define SX_STATUS_STRING(name, msg) msg,
    SX_STATUS_LIST(SX_STATUS_STRING)
#undef SX_STATUS_STRING
};

extern "C" const char *sx_status_string(sx_status status)
{
    int v = sx_enum_value(status);
    size_t i = v < 0 ? SIZE_MAX : (size_t)v;
    if (i >= sizeof status_strings / sizeof status_strings[0])
        return "unknown status";
    return status_strings[i];
}

/* snprintf may cut a UTF-8 sequence (paths and terms may be Chinese) in the
 * middle: drop a trailing incomplete sequence so the message stays valid. */
static void trim_utf8_tail(char *buf, size_t len)
{
    size_t i = len, cont = 0;
    while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80 && cont < 3) {
        i--;
        cont++;
    }
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)buf[i - 1];
    size_t need;
    if (lead < 0x80)
        return; /* ASCII: complete (stray continuation bytes are not ours to fix) */
    else if ((lead & 0xE0) == 0xC0)
        need = 1;
    else if ((lead & 0xF0) == 0xE0)
        need = 2;
    else if ((lead & 0xF8) == 0xF0)
        need = 3;
    else
        return;
    if (cont < need)
        buf[i - 1] = '\0';
}

static void vfill(sx_error *err, sx_status status, const char *fmt, va_list ap) noexcept
{
    err->status = status;
    err->context[0] = '\0';
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    if (n < 0) {
        snprintf(err->message, sizeof err->message, "%s", sx_status_string(status));
    } else if ((size_t)n >= sizeof err->message) {
        trim_utf8_tail(err->message, sizeof err->message - 1);
    }
}

sx_status sx_set_error(sx_error *err, sx_status status, const char *fmt, ...) noexcept
{
    if (!err)
        return status;
    /* Prefix with the default message so every message starts with the
     * category ("invalid argument: ..."). */
    char detail[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (n < 0)
        detail[0] = '\0';
    err->status = status;
    err->context[0] = '\0';
    n = snprintf(err->message, sizeof err->message, "%s: %s", sx_status_string(status), detail);
    if (n >= 0 && (size_t)n >= sizeof err->message)
        trim_utf8_tail(err->message, sizeof err->message - 1);
    return status;
}

static sx_status fill(sx_error *err, sx_status status, const char *fmt, ...) noexcept
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vfill(err, status, fmt, ap);
        va_end(ap);
    }
    return status;
}

static bool path_missing(const char *path) noexcept
{
    struct stat st;
    return path && stat(path, &st) != 0 && errno == ENOENT;
}

/* "<status>: <path>: <XapianType>: <msg> (<errno text>)", parts omitted when absent. */
static sx_status from_xapian(sx_error *err, sx_status status, const Xapian::Error &e,
                             const char *path) noexcept
{
    if (!err)
        return status;
    const char *type = e.get_type();
    const char *errstr = nullptr;
    try {
        errstr = e.get_error_string();
    } catch (...) {
        errstr = nullptr;
    }
    const std::string &msg = e.get_msg();
    const std::string &ctx = e.get_context();
    /* A remote database's errors name the server; say which one. */
    const char *tail = path ? strrchr(path, ' ') : nullptr; /* "remote HOST:PORT" -> HOST:PORT */
    tail = tail ? tail + 1 : path;
    bool show_ctx = !ctx.empty() && (!tail || ctx.find(tail) == std::string::npos);
    fill(err, status, "%s: %s%s%s%s%s: %s%s%s%s", sx_status_string(status), path ? path : "",
         path ? ": " : "", show_ctx ? ctx.c_str() : "", show_ctx ? ": " : "",
         type ? type : "Xapian::Error", msg.c_str(), errstr ? " (" : "", errstr ? errstr : "",
         errstr ? ")" : "");
    if (ctx.size() < sizeof err->context)
        memcpy(err->context, ctx.c_str(), ctx.size() + 1);
    return status;
}

sx_status sx_fail(sx_error *err, const char *path) noexcept
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        return from_xapian(err, SX_ERR_LOCKED, e, path);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return from_xapian(err, SX_ERR_NOT_FOUND, e, path);
    } catch (const Xapian::DatabaseVersionError &e) {
        return from_xapian(err, SX_ERR_VERSION, e, path);
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* Older backends report a missing directory this way. */
        return from_xapian(err, path_missing(path) ? SX_ERR_NOT_FOUND : SX_ERR_IO, e, path);
    } catch (const Xapian::DocNotFoundError &e) {
        return from_xapian(err, SX_ERR_NOT_FOUND, e, path);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return from_xapian(err, SX_ERR_CORRUPT, e, path);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return from_xapian(err, SX_ERR_MODIFIED, e, path);
    } catch (const Xapian::InvalidArgumentError &e) {
        return from_xapian(err, SX_ERR_INVALID_ARG, e, path);
    } catch (const Xapian::InvalidOperationError &e) {
        return from_xapian(err, SX_ERR_INVALID_ARG, e, path);
    } catch (const Xapian::QueryParserError &e) {
        return from_xapian(err, SX_ERR_QUERY, e, path);
    } catch (const Xapian::NetworkTimeoutError &e) {
        return from_xapian(err, SX_ERR_TIMEOUT, e, path);
    } catch (const Xapian::NetworkError &e) {
        return from_xapian(err, SX_ERR_NETWORK, e, path);
    } catch (const Xapian::DatabaseError &e) {
        return from_xapian(err, SX_ERR_IO, e, path);
    } catch (const Xapian::Error &e) {
        return from_xapian(err, SX_ERR_XAPIAN, e, path);
    } catch (const std::bad_alloc &) {
        return fill(err, SX_ERR_NO_MEMORY, "%s%s%s", sx_status_string(SX_ERR_NO_MEMORY),
                    path ? ": " : "", path ? path : "");
    } catch (const std::exception &e) {
        return fill(err, SX_ERR_UNKNOWN, "%s: %s%s%s", sx_status_string(SX_ERR_UNKNOWN),
                    path ? path : "", path ? ": " : "", e.what());
    } catch (...) {
        return fill(err, SX_ERR_UNKNOWN, "%s%s%s", sx_status_string(SX_ERR_UNKNOWN),
                    path ? ": " : "", path ? path : "");
    }
}

char *sx_strndup(const char *s, size_t len) noexcept
{
    char *out = static_cast<char *>(malloc(len + 1));
    if (!out)
        return nullptr;
    if (len)
        memcpy(out, s, len);
    out[len] = '\0';
    return out;
}
