/*
 * fuzz_check_error.h: what every failing request must give back, checked by
 * the harnesses of the request parsers: a code, a message, and a location
 * whose text is valid UTF-8 (it goes into the JSON error answer as is; an
 * invalid byte there would make the answer disappear).
 */
#ifndef SOU_FUZZ_CHECK_ERROR_H
#define SOU_FUZZ_CHECK_ERROR_H

#include "fuzz.h"
#include "search.h"
#include "utf8.h"

static inline void fuzz_check_error(const sou_error *err)
{
    FUZZ_CHECK(err->code != SOU_OK);
    FUZZ_CHECK(err->message[0] != '\0');
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
    FUZZ_CHECK(memchr(err->value, '\0', sizeof err->value) != NULL);
    FUZZ_CHECK(sou_utf8_valid(err->message, strlen(err->message), NULL));
    FUZZ_CHECK(sou_utf8_valid(err->value, strlen(err->value), NULL));
    FUZZ_CHECK(sou_utf8_valid(err->param, strlen(err->param), NULL));
    json_t *j = sou_error_json(err);
    FUZZ_CHECK(j != NULL);
    json_t *e = json_object_get(j, "error");
    FUZZ_CHECK(json_integer_value(json_object_get(e, "code")) == sou_error_http_status(err->code));
    FUZZ_CHECK(strcmp(json_string_value(json_object_get(e, "message")), err->message) == 0);
    if (err->value[0])
        FUZZ_CHECK(json_is_string(json_object_get(e, "value")));
    json_decref(j);
}

#endif /* SOU_FUZZ_CHECK_ERROR_H */
