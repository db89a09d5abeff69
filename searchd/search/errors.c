/* errors.c: sou_error, its HTTP statuses, reasons and JSON form (search.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "db_error.h"
#include "search.h"
#include "utf8.h"

int sou_error_http_status(sou_error_code code)
{
    switch (code) {
#define SOU_ERROR_CASE(name, http, msg) \
    case name:                          \
        return http;
        SOU_ERROR_LIST(SOU_ERROR_CASE)
#undef SOU_ERROR_CASE
    }
    return 500;
}

static const char *default_message(sou_error_code code)
{
    switch (code) {
#define SOU_ERROR_MSG(name, http, msg) \
    case name:                         \
        return msg;
        SOU_ERROR_LIST(SOU_ERROR_MSG)
#undef SOU_ERROR_MSG
    }
    return "internal error";
}

static const struct {
    const char *word;
    sou_error_code code;
} reasons[] = {
#define SOU_REASON_ROW(name, word, code) {word, code},
    SOU_REASON_LIST(SOU_REASON_ROW)
#undef SOU_REASON_ROW
};

/* The reason an error of this code reports when none was given. */
static sou_reason generic_reason(sou_error_code code)
{
    switch (code) {
    case SOU_OK: return SOU_R_NONE;
    case SOU_EBADREQUEST: return SOU_R_BAD_REQUEST;
    case SOU_ENOTFOUND: return SOU_R_NOT_FOUND;
    case SOU_ETOOLARGE: return SOU_R_TOO_LARGE;
    case SOU_EUNAVAILABLE: return SOU_R_UNAVAILABLE;
    case SOU_EINTERNAL: return SOU_R_INTERNAL;
    }
    return SOU_R_INTERNAL;
}

const char *sou_error_reason_word(const sou_error *err)
{
    sou_reason r = err ? err->reason : SOU_R_INTERNAL;
    if (r == SOU_R_NONE || (unsigned)r >= sizeof reasons / sizeof reasons[0])
        r = generic_reason(err ? err->code : SOU_EINTERNAL);
    return reasons[r].word;
}

/* Make the NUL-terminated text in buf (size bytes) valid UTF-8, which the
 * JSON answer needs: a sequence cut by vsnprintf/snprintf at the end of a
 * full buffer goes, and any other malformed byte (an offending value as the
 * client sent it, a "%.40s" that cut a character) becomes '?'. */
static void cut_utf8(char *buf, size_t size)
{
    size_t len = strlen(buf), i = len;
    if (len + 1 >= size) {
        while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
            i--;
        if (i > 0 && ((unsigned char)buf[i - 1] & 0x80)) {
            unsigned char lead = (unsigned char)buf[i - 1];
            size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (len - (i - 1) < want)
                buf[len = i - 1] = '\0';
        }
    }
    for (i = 0; i < len;) {
        uint32_t cp;
        size_t k = sou_utf8_decode((const unsigned char *)buf + i, len - i, &cp);
        if (k == 0) {
            buf[i] = '?';
            k = 1;
        }
        i += k;
    }
}

static sou_error_code error_vset(sou_error *err, sou_error_code code, sou_reason reason, const char *fmt,
                                 va_list ap)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->reason = reason;
    if (!fmt || !*fmt)
        snprintf(err->message, sizeof err->message, "%s", default_message(code));
    else
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    cut_utf8(err->message, sizeof err->message);
    return code;
}

sou_error_code sou_error_set(sou_error *err, sou_error_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, SOU_R_NONE, fmt, ap);
    va_end(ap);
    return code;
}

sou_error_code sou_error_fail(sou_error *err, sou_reason reason, const char *fmt, ...)
{
    if ((unsigned)reason >= sizeof reasons / sizeof reasons[0])
        reason = SOU_R_INTERNAL;
    sou_error_code code = reasons[reason].code;
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, reason, fmt, ap);
    va_end(ap);
    return code;
}

void sou_error_where(sou_error *err, const char *param, const char *value, size_t len, unsigned at,
                     unsigned at_len)
{
    if (!err)
        return;
    snprintf(err->param, sizeof err->param, "%s", param ? param : "");
    cut_utf8(err->param, sizeof err->param);
    if (!value)
        len = 0;
    snprintf(err->value, sizeof err->value, "%.*s", (int)(len < sizeof err->value ? len : sizeof err->value),
             value ? value : "");
    cut_utf8(err->value, sizeof err->value);
    err->at = at;
    err->at_len = at_len;
}

json_t *sou_error_json(const sou_error *err)
{
    sou_error_code code = err ? err->code : SOU_EINTERNAL;
    const char *msg = err && err->message[0] ? err->message : default_message(code);
    /* A message cut by the fixed-size buffer may end inside a UTF-8
     * sequence, which jansson would refuse: fall back to the default. */
    json_t *m = json_string(msg);
    if (!m)
        m = json_string(default_message(code));
    json_t *e = json_pack("{s:i,s:s,s:o}", "code", sou_error_http_status(code), "reason",
                          sou_error_reason_word(err), "message", m);
    if (e && err && err->param[0])
        json_object_set_new(e, "param", json_string(err->param));
    if (e && err && (err->value[0] || err->param[0]))
        json_object_set_new(e, "value", json_string(err->value));
    if (e && err && err->at_len > 0)
        json_object_set_new(e, "at", json_pack("[I,I]", (json_int_t)err->at, (json_int_t)(err->at + err->at_len)));
    return e ? json_pack("{s:o}", "error", e) : NULL;
}

sou_error_code sou_error_from_db(sou_error *err, const sx_error *xe, const char *what)
{
    sou_error_code code;
    switch (xe->status) {
    case SX_ERR_NOT_FOUND:
    case SX_ERR_CORRUPT:
    case SX_ERR_VERSION:
    case SX_ERR_IO:
    case SX_ERR_LOCKED:
    case SX_ERR_MODIFIED:
    case SX_ERR_NETWORK:
    case SX_ERR_TIMEOUT:
        code = SOU_EUNAVAILABLE;
        break;
    default:
        code = SOU_EINTERNAL;
    }
    return sou_error_set(err, code, "%s: %s", what, xe->message[0] ? xe->message : sx_status_string(xe->status));
}
