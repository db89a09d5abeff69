/*
 * fuzz_json_line.c: the compact JSON writer (indexer/json_line.h), which
 * writes every answer and every stored document, against jansson: for any
 * object or array jansson reads, sou_json_line writes byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(9)) writes.  NUL bytes
 * inside strings (JSON_ALLOW_NUL) are included.
 */
#include "fuzz.h"
#include "json_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *v = json_loadb((const char *)data, size, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
    if (!v)
        return 0;
    size_t len = 0;
    char *mine = sou_json_line(v, &len);
    if (json_is_object(v) || json_is_array(v)) {
        char *ref = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(9));
        FUZZ_CHECK(mine != NULL && ref != NULL);
        FUZZ_CHECK(strlen(ref) == len && memcmp(mine, ref, len) == 0);
        free(ref);
    } else {
        FUZZ_CHECK(mine == NULL);
    }
    free(mine);
    json_decref(v);
    return 0;
}
