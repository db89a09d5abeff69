/*
 * fuzz_stored.c: the stored-data reader (searchd/stored.h), which reads
 * every hit's document data with its own quote-to-quote scanner, against
 * jansson as the reference.
 *
 * Promises checked:
 *   - every value it gives is valid UTF-8 (it goes into JSON answers);
 *   - where jansson reads the data as an object, the fields are exactly its
 *     string members (a later duplicate key replacing, a member that is not
 *     a string reading as ""), and sou_stored_object gives the same strings;
 *   - where jansson refuses the data but the scanner took it, the only
 *     difference is "\u0000" (read as a space; older indexes stored it);
 *   - whatever the indexer writes (sou_json_line of an object of strings)
 *     the fast scanner takes, without falling back, and reads back intact.
 */
#include "fuzz.h"
#include "json_line.h"
#include "stored.h"
#include "utf8.h"

/* s[0..len) with NUL bytes as spaces (malloc'ed). */
static char *nul_as_space(const char *s, size_t len)
{
    char *c = fuzz_strndup((const uint8_t *)s, len);
    for (size_t i = 0; i < len; i++)
        if (c[i] == '\0')
            c[i] = ' ';
    return c;
}

/* s[0..len) with every escape \u0000 written \u0020 (malloc'ed, same length). */
static char *nul_escapes_as_spaces(const char *s, size_t len)
{
    char *c = fuzz_strndup((const uint8_t *)s, len);
    size_t backslashes = 0;
    for (size_t i = 0; i < len; i++) {
        if (c[i] == '\\') {
            backslashes++;
            continue;
        }
        if (c[i] == 'u' && backslashes % 2 == 1 && i + 4 < len && memcmp(c + i + 1, "0000", 4) == 0)
            memcpy(c + i + 1, "0020", 4);
        backslashes = 0;
    }
    return c;
}

/* fields hold exactly the string members of o (NULs read as spaces). */
static void check_same(const sou_stored_fields *d, const json_t *o)
{
    const char *key;
    json_t *v;
    size_t strings = 0;
    json_object_foreach((json_t *)o, key, v) {
        size_t len;
        const char *got = sou_stored_field_get(d, key, &len);
        if (!json_is_string(v)) {
            FUZZ_CHECK(len == 0);
            continue;
        }
        char *want = nul_as_space(json_string_value(v), json_string_length(v));
        FUZZ_CHECK(len == json_string_length(v) && memcmp(got, want, len) == 0);
        free(want);
        strings++;
    }
    FUZZ_CHECK(d->n == strings);
}

static void check_valid(const sou_stored_fields *d)
{
    for (size_t i = 0; i < d->n; i++) {
        FUZZ_CHECK(sou_utf8_valid(d->f[i].key_p, strlen(d->f[i].key_p), NULL));
        FUZZ_CHECK(sou_utf8_valid(d->f[i].val_p, d->f[i].val_len, NULL));
        FUZZ_CHECK(d->f[i].val_p[d->f[i].val_len] == '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    sou_stored_fields d;
    json_error_t jerr;

    FUZZ_CHECK(sou_stored_fields_parse(s, size, &d) == 0);
    check_valid(&d);
    json_t *ref = json_loadb(s, size, 0, &jerr);
    if (json_is_object(ref)) {
        check_same(&d, ref);
        json_t *obj = sou_stored_object(s, size);
        FUZZ_CHECK(json_is_object(obj));
        const char *key;
        json_t *v;
        json_object_foreach(ref, key, v)
            if (json_is_string(v))
                FUZZ_CHECK(json_equal(v, json_object_get(obj, key)));
        json_decref(obj);
    } else if (!d.fallback && d.n > 0) {
        /* the scanner took what jansson refused: only \u0000 (in a key too)
         * may explain it, read as \u0020 */
        char *spaced = nul_escapes_as_spaces(s, size);
        json_t *ref2 = json_loadb(spaced, size, 0, &jerr);
        FUZZ_CHECK(json_is_object(ref2));
        check_same(&d, ref2);
        json_decref(ref2);
        free(spaced);
    }
    sou_stored_fields_free(&d);

    /* What the indexer would store for the string members of the input. */
    json_t *any = json_loadb(s, size, JSON_ALLOW_NUL, &jerr);
    if (json_is_object(any)) {
        json_t *strings = json_object();
        const char *key;
        json_t *v;
        FUZZ_CHECK(strings != NULL);
        json_object_foreach(any, key, v)
            if (json_is_string(v))
                json_object_set(strings, key, v);
        size_t len = 0;
        char *stored = sou_json_line(strings, &len);
        FUZZ_CHECK(stored != NULL);
        FUZZ_CHECK(sou_stored_fields_parse(stored, len, &d) == 0);
        FUZZ_CHECK(d.fallback == NULL);
        check_valid(&d);
        check_same(&d, strings);
        sou_stored_fields_free(&d);
        free(stored);
        json_decref(strings);
    }
    json_decref(any);
    json_decref(ref);
    return 0;
}
