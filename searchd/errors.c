/* errors.c: sou_error, its HTTP statuses and its JSON form (search.h). */
#include <stdarg.h>
#include <stdio.h>

#include "search.h"

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

sou_error_code sou_error_set(sou_error *err, sou_error_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    if (!fmt || !*fmt) {
        snprintf(err->message, sizeof err->message, "%s", default_message(code));
        return code;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof err->message) {
        /* Truncated: do not leave half a UTF-8 character at the end. */
        size_t len = sizeof err->message - 1, i = len;
        while (i > 0 && ((unsigned char)err->message[i - 1] & 0xC0) == 0x80)
            i--;
        if (i > 0 && ((unsigned char)err->message[i - 1] & 0x80)) {
            unsigned char lead = (unsigned char)err->message[i - 1];
            size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (len - (i - 1) < want)
                err->message[i - 1] = '\0';
        }
    }
    return code;
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
    return json_pack("{s:{s:i,s:o}}", "error", "code", sou_error_http_status(code), "message", m);
}
