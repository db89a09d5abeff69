/*
 * reader.c: what both readers share: opening an input, documents, UTF-8
 * cleaning, and walking directories for input files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader_private.h"
#include "utf8.h"

/* Directory depth past which the walk stops (a backstop: loops are found
 * by device and inode). */
#define SOU_WALK_MAX_DEPTH 64

void sou_doc_free(sou_doc *doc)
{
    if (!doc)
        return;
    json_decref(doc->fields);
    free(doc->file);
    free(doc);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

sou_input_kind sou_input_kind_of(const char *path)
{
    if (strcmp(path, "-") == 0 || ends_with(path, ".jsonl") || ends_with(path, ".json") ||
        ends_with(path, ".gz"))
        return SOU_INPUT_JSONL;
    if (ends_with(path, ".txt"))
        return SOU_INPUT_ARTICLE;
    return SOU_INPUT_UNKNOWN;
}

void sou_reader_report(sou_reader *r, unsigned long line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    r->problems++;
    if (!r->opt.problem)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->opt.problem(r->path, line, msg, r->opt.problem_ctx);
}

sou_reader *sou_reader_open(const char *path, sou_input_kind kind, const sou_reader_options *opt)
{
    sou_reader *r = calloc(1, sizeof *r);
    struct stat st;
    int fd = -1;

    if (!r)
        goto oom;
    r->kind = kind;
    if (opt)
        r->opt = *opt;
    if (r->opt.max_line == 0)
        r->opt.max_line = SOU_READER_MAX_LINE;
    r->path = strdup(path);
    if (!r->path)
        goto oom;
    if (kind == SOU_INPUT_ARTICLE)
        return r; /* read whole in sou_article_next */

    if (strcmp(path, "-") == 0) {
        fd = dup(STDIN_FILENO);
        if (fd < 0) {
            sou_reader_report(r, 0, "cannot read standard input: %s", strerror(errno));
            goto fail;
        }
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            sou_reader_report(r, 0, "cannot open: %s", strerror(errno));
            goto fail;
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            sou_reader_report(r, 0, "is a directory");
            goto fail;
        }
    }
    r->gz = gzdopen(fd, "rb");
    if (!r->gz) {
        sou_reader_report(r, 0, "cannot open: %s", errno ? strerror(errno) : "out of memory");
        goto fail;
    }
    fd = -1; /* owned by gz now */
    gzbuffer(r->gz, 256 * 1024);
    return r;

oom:
    if (opt && opt->problem)
        opt->problem(path, 0, "out of memory", opt->problem_ctx);
fail:
    if (fd >= 0)
        close(fd);
    sou_reader_close(r);
    return NULL;
}

int sou_reader_next(sou_reader *r, sou_doc **out)
{
    *out = NULL;
    return r->kind == SOU_INPUT_JSONL ? sou_jsonl_next(r, out) : sou_article_next(r, out);
}

size_t sou_reader_problems(const sou_reader *r)
{
    return r->problems;
}

size_t sou_reader_skipped(const sou_reader *r)
{
    return r->skipped;
}

size_t sou_reader_bytes(const sou_reader *r)
{
    return r->bytes;
}

void sou_reader_close(sou_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    free(r->buf);
    free(r->path);
    free(r);
}

/* ---------------------------------------------------------------- documents */

sou_doc *sou_doc_from_fields(json_t *fields, const char *file, unsigned long line, size_t bytes)
{
    sou_doc *doc = calloc(1, sizeof *doc);
    json_t *date;

    if (!doc || !(doc->file = strdup(file))) {
        free(doc);
        json_decref(fields);
        return NULL;
    }
    doc->fields = fields;
    doc->id = json_string_value(json_object_get(fields, "id"));
    doc->title = json_string_value(json_object_get(fields, "title"));
    if (!doc->title)
        doc->title = "";
    doc->body = json_string_value(json_object_get(fields, "body"));
    doc->body_len = json_string_length(json_object_get(fields, "body"));
    date = json_object_get(fields, "date");
    doc->date = json_is_string(date) ? json_string_value(date) : NULL;
    doc->line = line;
    doc->bytes = bytes;
    return doc;
}

/* ---------------------------------------------------------------- UTF-8 */

size_t sou_utf8_clean(char *s, size_t len, size_t *invalid, size_t *first_bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t in = 0, out = 0, bad = 0, first = len;

    while (in < len) {
        size_t n;
        uint32_t cp;
        if (u[in] < 0x80) { /* fast path for ASCII */
            s[out++] = s[in++];
            continue;
        }
        n = sou_utf8_decode(u + in, len - in, &cp);
        if (n == 0) {
            if (first == len)
                first = in;
            bad++;
            in++;
            continue;
        }
        if (out != in)
            memmove(s + out, s + in, n);
        out += n;
        in += n;
    }
    if (invalid)
        *invalid = bad;
    if (first_bad)
        *first_bad = first;
    return out;
}

size_t sou_nul_to_space(char *s, size_t len, size_t *first)
{
    size_t n = 0;
    char *p = s, *end = s + len;
    while ((p = memchr(p, '\0', (size_t)(end - p))) != NULL) {
        if (n++ == 0 && first)
            *first = (size_t)(p - s);
        *p++ = ' ';
    }
    return n;
}

/* ---------------------------------------------------------------- walking inputs */

typedef struct {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct {
    sou_input_fn fn;
    void *ctx;
    sou_problem_fn problem;
    void *problem_ctx;
    int failed;
    dir_id *seen; /* every directory read so far */
    size_t n_seen, cap_seen;
} walk_state;

/* 1 if the directory st was read already, else remember it (0); -1 when
 * out of memory. */
static int seen_before(walk_state *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_seen; i++)
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
            return 1;
    if (w->n_seen == w->cap_seen) {
        size_t cap = w->cap_seen ? 2 * w->cap_seen : 16;
        dir_id *v = realloc(w->seen, cap * sizeof *v);
        if (!v)
            return -1;
        w->seen = v;
        w->cap_seen = cap;
    }
    w->seen[w->n_seen++] = (dir_id){st->st_dev, st->st_ino};
    return 0;
}

static void walk_report(walk_state *w, const char *path, const char *what)
{
    w->failed = 1;
    if (w->problem)
        w->problem(path, 0, what, w->problem_ctx);
}

static int wanted_in_directory(const char *name)
{
    return ends_with(name, ".txt") || ends_with(name, ".jsonl") || ends_with(name, ".jsonl.gz");
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(walk_state *w, const char *path, int depth, int top)
{
    struct stat st;
    DIR *dir = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (strcmp(path, "-") == 0)
        return w->fn(path, SOU_INPUT_JSONL, w->ctx);
    if (stat(path, &st) != 0) {
        walk_report(w, path, strerror(errno));
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (!top && !S_ISREG(st.st_mode))
            return 0; /* sockets, fifos found while walking */
        if (sou_input_kind_of(path) == SOU_INPUT_UNKNOWN) {
            walk_report(w, path, "not an input sou reads (articles are *.txt; JSONL is *.jsonl, *.json, "
                                 "*.gz or - for standard input), skipped");
            return 0;
        }
        return w->fn(path, sou_input_kind_of(path), w->ctx);
    }
    int seen = seen_before(w, &st);
    if (seen != 0) {
        walk_report(w, path, seen < 0 ? "out of memory"
                                      : "directory already read (a symbolic-link loop or a second link "
                                        "to it), skipped");
        return 0;
    }
    if (depth >= SOU_WALK_MAX_DEPTH) {
        walk_report(w, path, "directories nested too deep (a symbolic-link loop?), skipped");
        return 0;
    }
    dir = opendir(path);
    if (!dir) {
        walk_report(w, path, strerror(errno));
        return 0;
    }
    while ((de = readdir(dir)) != NULL) {
        char *full;
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 64;
            char **nn = realloc(names, ncap * sizeof *nn);
            if (!nn)
                goto oom;
            names = nn;
            cap = ncap;
        }
        if (asprintf(&full, "%s%s%s", path, ends_with(path, "/") ? "" : "/", de->d_name) < 0)
            goto oom;
        names[n++] = full;
    }
    qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i < n && rc == 0; i++) {
        if (stat(names[i], &st) != 0) {
            walk_report(w, names[i], strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode))
            rc = walk(w, names[i], depth + 1, 0);
        else if (S_ISREG(st.st_mode) && wanted_in_directory(names[i]))
            rc = w->fn(names[i], sou_input_kind_of(names[i]), w->ctx);
    }
    goto done;

oom:
    walk_report(w, path, "out of memory");
done:
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(dir);
    return rc;
}

int sou_inputs_walk(const char *path, sou_input_fn fn, void *ctx, sou_problem_fn problem,
                    void *problem_ctx)
{
    walk_state w = {fn, ctx, problem, problem_ctx, 0, NULL, 0, 0};
    int rc = walk(&w, path, 0, 1);
    free(w.seen);
    return rc ? rc : (w.failed ? -1 : 0);
}
