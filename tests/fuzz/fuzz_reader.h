/*
 * fuzz_reader.h: the document readers' harnesses (fuzz_jsonl.c,
 * fuzz_article.c) feed the input to sou_reader_open as a file (a memfd,
 * named through /proc/self/fd) and check every document that comes out:
 * an id of 1..SOU_READER_MAX_ID bytes, and id, title, body and every stored
 * field valid UTF-8 without NUL bytes (NULs become spaces and malformed
 * bytes are dropped, both reported), whatever the input held.
 */
#ifndef SOU_FUZZ_READER_H
#define SOU_FUZZ_READER_H

#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "reader.h"
#include "utf8.h"

static void fuzz_count_problem(const char *file, unsigned long line, const char *msg, void *ctx)
{
    FUZZ_CHECK(file != NULL && msg != NULL && msg[0] != '\0');
    (*(size_t *)ctx)++;
}

static void fuzz_check_text(const char *s)
{
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(sou_utf8_valid(s, strlen(s), NULL));
}

static void fuzz_check_doc(const sou_doc *doc)
{
    const char *key;
    json_t *v;

    FUZZ_CHECK(doc->id && doc->id[0] && strlen(doc->id) <= SOU_READER_MAX_ID);
    fuzz_check_text(doc->id);
    fuzz_check_text(doc->title);
    fuzz_check_text(doc->body);
    FUZZ_CHECK(strlen(doc->body) == doc->body_len);
    FUZZ_CHECK(json_is_object(doc->fields));
    FUZZ_CHECK(strcmp(json_string_value(json_object_get(doc->fields, "id")), doc->id) == 0);
    json_object_foreach(doc->fields, key, v) {
        FUZZ_CHECK(json_is_string(v));
        FUZZ_CHECK(strlen(json_string_value(v)) == json_string_length(v));
        fuzz_check_text(json_string_value(v));
    }
}

/* Read data[0..size) as kind (lines capped at max_line bytes): the number
 * of documents, and of documents skipped in *skipped. */
static size_t fuzz_read_all(const uint8_t *data, size_t size, sou_input_kind kind, size_t max_line,
                            size_t *skipped)
{
    char path[64];
    size_t problems = 0, docs = 0;
    sou_reader_options opt = {fuzz_count_problem, &problems, max_line, NULL};
    int fd = memfd_create("input", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    sou_reader *r = sou_reader_open(path, kind, &opt);
    FUZZ_CHECK(r != NULL);
    sou_doc *doc;
    int rc;
    while ((rc = sou_reader_next(r, &doc)) == 1) {
        fuzz_check_doc(doc);
        sou_doc_free(doc);
        docs++;
    }
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(sou_reader_problems(r) == problems);
    FUZZ_CHECK(sou_reader_skipped(r) <= problems);
    *skipped = sou_reader_skipped(r);
    sou_reader_close(r);
    close(fd);
    return docs;
}

#endif /* SOU_FUZZ_READER_H */
