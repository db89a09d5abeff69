/*
 * fuzz_http_options.c: HTTP query strings to search options
 * (sou_http_search_options, searchd/server.h): percent-decoding, repeated
 * parameters, NUL bytes and invalid UTF-8 in names and values.
 *
 * Promises checked: the options are an object of strings (arrays of them
 * for the repeatable filter and facets) that are valid UTF-8 without NUL
 * bytes (what sou_search may trust), or the answer is a 400 whose location
 * is valid text.
 */
#include "fuzz.h"
#include "fuzz_check_error.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *query = fuzz_strndup(data, size);
    sou_error err = {0};
    json_t *options = sou_http_search_options(query, &err);

    if (!options) {
        fuzz_check_error(&err);
        FUZZ_CHECK(err.code == SOU_EBADREQUEST);
    } else {
        const char *key;
        json_t *value;
        FUZZ_CHECK(json_is_object(options));
        json_object_foreach(options, key, value) {
            FUZZ_CHECK(key[0] != '\0' && sou_utf8_valid(key, strlen(key), NULL));
            int repeatable = strcmp(key, "filter") == 0 || strcmp(key, "facets") == 0;
            FUZZ_CHECK(repeatable ? json_is_array(value) && json_array_size(value) > 0 : json_is_string(value));
            for (size_t i = 0; i < (repeatable ? json_array_size(value) : 1); i++) {
                const json_t *v = repeatable ? json_array_get(value, i) : value;
                FUZZ_CHECK(json_is_string(v));
                size_t len = json_string_length(v);
                FUZZ_CHECK(strlen(json_string_value(v)) == len);
                FUZZ_CHECK(sou_utf8_valid(json_string_value(v), len, NULL));
            }
        }
        json_decref(options);
    }
    free(query);
    return 0;
}
