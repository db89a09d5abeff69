/*
 * check_readers.c: the document readers (indexer/reader.h) and the pieces of
 * the schema that need no database (indexer/document.h).
 *
 * core:   each seed article of corpus/ (title, date, source, footer and
 *         disclaimers gone, headings kept), JSONL and .jsonl.gz, directory walk,
 *         date values.
 * limits: empty files, a last line without newline, over-long lines, a file
 *         without title or date lines.
 * errors: tests/data/readers/broken.jsonl (bad JSON, missing id/body/title,
 *         invalid UTF-8, not an object, empty or numeric id), unreadable files,
 *         invalid UTF-8 in an article, the UTF-8 cleaner on each malformed form.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "document.h"
#include "json_line.h"
#include "reader.h"
#include "sou_testserver.h"

/* ------------------------------------------------------------ helpers */

static char *tmpdir; /* owned; made by tmp_setup, removed by tmp_teardown */

static void tmp_setup(void)
{
    tmpdir = sou_test_tmpdir("readers");
    ck_assert_ptr_nonnull(tmpdir);
}

static void tmp_teardown(void)
{
    sou_test_rmtree(tmpdir);
    free(tmpdir);
    tmpdir = NULL;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Problems collected from a reader. */
typedef struct {
    int n;
    unsigned long line[64];
    char msg[64][512];
} problems;

static void collect(const char *file, unsigned long line, const char *msg, void *ctx)
{
    problems *p = ctx;
    if (p->n < 64) {
        p->line[p->n] = line;
        snprintf(p->msg[p->n], sizeof p->msg[0], "%s", msg);
    }
    p->n++;
}

/* Index of the problem reported at line, or -1. */
static int problem_at(const problems *p, unsigned long line)
{
    for (int i = 0; i < p->n && i < 64; i++)
        if (p->line[i] == line)
            return i;
    return -1;
}

/* Read every document of path; returns how many, docs[] owned by the caller. */
static int read_all(const char *path, sou_input_kind kind, size_t max_line, problems *p,
                    sou_doc **docs, int cap)
{
    sou_reader_options opt = {collect, p, max_line, NULL};
    sou_reader *r = sou_reader_open(path, kind, &opt);
    sou_doc *doc;
    int n = 0;
    if (!r)
        return -1;
    while (sou_reader_next(r, &doc) == 1) {
        ck_assert_int_lt(n, cap);
        docs[n++] = doc;
    }
    sou_reader_close(r);
    return n;
}

static void free_all(sou_doc **docs, int n)
{
    for (int i = 0; i < n; i++)
        sou_doc_free(docs[i]);
}

static sou_doc *read_seed(const char *name)
{
    char path[1024];
    problems p = {0};
    sou_doc *docs[2];
    snprintf(path, sizeof path, "%s/corpus/%s", sou_test_source_dir(), name);
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 1);
    ck_assert_int_eq(p.n, 0);
    return docs[0];
}

/* No footer or disclaimer text in a body. */
static void assert_no_footer(const sou_doc *d)
{
    static const char *const footer[] = {"社保网声明", "医保知识", "资讯来源于网络", "仅供参考", "投诉"};
    for (size_t i = 0; i < sizeof footer / sizeof *footer; i++)
        ck_assert_msg(strstr(d->body, footer[i]) == NULL, "%s: body holds footer text %s", d->id,
                      footer[i]);
}

/* ------------------------------------------------------------ core: seeds */

START_TEST(seed_000)
{
    sou_doc *d = read_seed("000_ac1cf03b7f701441.txt");
    ck_assert_str_eq(d->id, "000_ac1cf03b7f701441");
    ck_assert_str_eq(d->title, "已经交了医疗保险怎么修改参保地?(2026-02-06)");
    ck_assert_ptr_nonnull(d->date);
    ck_assert_str_eq(d->date, "2026-02-06 08:00:01");
    ck_assert_str_eq(json_string_value(json_object_get(d->fields, "source")), "社保网");
    ck_assert_msg(strncmp(d->body, "医保参保地变更指参保人需准备", strlen("医保参保地变更指参保人需准备")) == 0,
                  "body starts with the first body line, not the title or date");
    /* the last line before the disclaimer is kept, the disclaimer is not */
    ck_assert_ptr_nonnull(strstr(d->body, "即可查询到医保缴费记录。"));
    ck_assert_ptr_null(strstr(d->body, "温馨提示"));
    ck_assert_ptr_null(strstr(d->body, "\n\n")); /* blank lines are not kept */
    assert_no_footer(d);
    ck_assert_uint_eq(d->body_len, strlen(d->body));
    sou_doc_free(d);
}
END_TEST

START_TEST(seed_001)
{
    static const char *last = "医疗保险方案可能会有调整,关注当地医保局的消息,了解最新的医疗保险方案和服务。";
    sou_doc *d = read_seed("001_dd3610d66644acdd.txt");
    ck_assert_str_eq(d->title, "河北石家庄已经交了医保怎么修改参保地?(5月17日)");
    ck_assert_str_eq(d->date, "2025-05-17 23:21:38");
    /* the (备注:数据仅供参考...) disclaimer is dropped; the body before it ends the body */
    ck_assert_ptr_null(strstr(d->body, "备注"));
    ck_assert_uint_ge(d->body_len, strlen(last));
    ck_assert_str_eq(d->body + d->body_len - strlen(last), last);
    /* 兰州 appears only in 001's related-article footer */
    ck_assert_ptr_null(strstr(d->body, "兰州"));
    assert_no_footer(d);
    sou_doc_free(d);
}
END_TEST

START_TEST(seed_002)
{
    sou_doc *d = read_seed("002_90e83fe1bcde53a9.txt");
    ck_assert_str_eq(d->title, "医疗保险怎么把参保地改了呢?(2026年2月3日)");
    ck_assert_str_eq(d->date, "2026-02-03 06:39:37");
    assert_no_footer(d);
    sou_doc_free(d);
}
END_TEST

START_TEST(seed_003)
{
    sou_doc *d = read_seed("003_1bdcc1241bf11e8e.txt");
    /* no title line and no date line: the first line is the title */
    ck_assert_str_eq(d->title, "医保参保地变更与社保转移接续需同步办理,避免因信息不同步导致待遇中断。");
    ck_assert_ptr_null(d->date);
    ck_assert_ptr_null(json_object_get(d->fields, "date"));
    ck_assert_msg(strncmp(d->body, d->title, strlen(d->title)) == 0, "the first line stays in the body");
    /* "温馨提示:" alone is a heading: it and the section after it are body */
    ck_assert_ptr_nonnull(strstr(d->body, "\n温馨提示:\n等待期\n"));
    ck_assert_ptr_nonnull(strstr(d->body, "兰州"));
    /* the disclaimer at the end is dropped */
    ck_assert_ptr_null(strstr(d->body, "本数据仅供参考"));
    assert_no_footer(d);
    sou_doc_free(d);
}
END_TEST

START_TEST(seed_fields_order)
{
    sou_doc *d = read_seed("000_ac1cf03b7f701441.txt");
    char *json = json_dumps(d->fields, JSON_COMPACT);
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strncmp(json, "{\"id\":\"000_ac1cf03b7f701441\",\"title\":", 37) == 0, "%.80s", json);
    ck_assert_ptr_nonnull(strstr(json, "\"date\":\"2026-02-06 08:00:01\",\"source\":\"社保网\"}"));
    free(json);
    sou_doc_free(d);
}
END_TEST

/* ------------------------------------------------------------ core: JSONL */

START_TEST(jsonl_broken)
{
    char path[1024];
    problems p = {0};
    sou_doc *docs[16];
    sou_reader_options opt = {collect, &p, 0, NULL};
    sou_reader *r;
    sou_doc *doc;
    int n, i;

    snprintf(path, sizeof path, "%s/tests/data/readers/broken.jsonl", sou_test_source_dir());
    n = read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 16);
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(docs[0]->id, "good-1");
    ck_assert_uint_eq(docs[0]->line, 1);
    ck_assert_str_eq(docs[1]->id, "good-3"); /* the line after the bad one is read */
    ck_assert_uint_eq(docs[1]->line, 3);
    ck_assert_str_eq(docs[2]->id, "bad-utf8");
    ck_assert_str_eq(docs[2]->body, "ok text "); /* the four bad bytes dropped */
    ck_assert_str_eq(docs[3]->id, "no-title");
    ck_assert_str_eq(docs[3]->title, "");
    ck_assert_str_eq(docs[4]->id, "good-13"); /* last line, no newline */
    ck_assert_str_eq(docs[4]->body, "最后");
    ck_assert_uint_eq(docs[4]->line, 13);

    /* string fields kept in order, others dropped */
    {
        char *json = json_dumps(docs[0]->fields, JSON_COMPACT);
        ck_assert_str_eq(json, "{\"id\":\"good-1\",\"title\":\"医保卡\",\"body\":\"医保卡余额怎么查\","
                               "\"url\":\"https://example.org/1\",\"date\":\"2026-02-06 08:00:01\","
                               "\"author\":\"小编\"}");
        free(json);
        ck_assert_str_eq(docs[0]->date, "2026-02-06 08:00:01");
    }

    ck_assert_int_eq(p.n, 8);
    ck_assert_int_ge(i = problem_at(&p, 2), 0);
    ck_assert_msg(strstr(p.msg[i], "invalid JSON at column") != NULL, "%s", p.msg[i]);
    ck_assert_int_ge(i = problem_at(&p, 4), 0);
    ck_assert_ptr_nonnull(strstr(p.msg[i], "no \"id\""));
    ck_assert_int_ge(i = problem_at(&p, 5), 0);
    ck_assert_ptr_nonnull(strstr(p.msg[i], "no \"body\""));
    ck_assert_int_ge(i = problem_at(&p, 6), 0);
    ck_assert_msg(strstr(p.msg[i], "invalid UTF-8: 4 bytes dropped") != NULL, "%s", p.msg[i]);
    ck_assert_int_ge(i = problem_at(&p, 7), 0);
    ck_assert_ptr_nonnull(strstr(p.msg[i], "not a JSON object"));
    ck_assert_int_ge(i = problem_at(&p, 10), 0);
    ck_assert_ptr_nonnull(strstr(p.msg[i], "no \"title\""));
    ck_assert_int_ge(problem_at(&p, 11), 0);
    ck_assert_int_ge(problem_at(&p, 12), 0);
    ck_assert_int_eq(problem_at(&p, 8), -1); /* blank lines are fine */
    ck_assert_int_eq(problem_at(&p, 9), -1);
    free_all(docs, n);

    /* the counters */
    memset(&p, 0, sizeof p);
    r = sou_reader_open(path, SOU_INPUT_JSONL, &opt);
    ck_assert_ptr_nonnull(r);
    while (sou_reader_next(r, &doc) == 1)
        sou_doc_free(doc);
    ck_assert_uint_eq(sou_reader_problems(r), 8);
    ck_assert_uint_eq(sou_reader_skipped(r), 6);
    {
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(sou_reader_bytes(r), (size_t)st.st_size);
    }
    sou_reader_close(r);
}
END_TEST

START_TEST(jsonl_gzip)
{
    char path[128];
    problems p = {0};
    sou_doc *docs[4];
    gzFile gz;
    static const char text[] = "{\"id\":\"z1\",\"title\":\"压缩\",\"body\":\"第一篇\"}\n"
                               "{\"id\":\"z2\",\"title\":\"压缩\",\"body\":\"第二篇\"}\n";

    snprintf(path, sizeof path, "%s/docs.jsonl.gz", tmpdir);
    gz = gzopen(path, "wb");
    ck_assert_ptr_nonnull(gz);
    ck_assert_int_eq(gzwrite(gz, text, sizeof text - 1), (int)(sizeof text - 1));
    gzclose(gz);
    ck_assert_int_eq(sou_input_kind_of(path), SOU_INPUT_JSONL);
    ck_assert_int_eq(read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 4), 2);
    ck_assert_int_eq(p.n, 0);
    ck_assert_str_eq(docs[0]->id, "z1");
    ck_assert_str_eq(docs[1]->body, "第二篇");
    ck_assert_uint_eq(docs[0]->bytes + docs[1]->bytes, sizeof text - 1); /* uncompressed bytes */
    free_all(docs, 2);

    /* a byte-order mark and CRLF line ends are fine */
    snprintf(path, sizeof path, "%s/bom.jsonl", tmpdir);
    {
        static const char bom[] = "\xEF\xBB\xBF{\"id\":\"z1\",\"title\":\"t\",\"body\":\"b\"}\r\n"
                                  "{\"id\":\"z2\",\"title\":\"t\",\"body\":\"第二篇\"}\r\n";
        write_file(path, bom, sizeof bom - 1);
    }
    ck_assert_int_eq(read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 4), 2);
    ck_assert_int_eq(p.n, 0);
    ck_assert_str_eq(docs[0]->id, "z1");
    ck_assert_str_eq(docs[1]->id, "z2");
    free_all(docs, 2);
}
END_TEST

START_TEST(jsonl_truncated_gzip)
{
    char path[128];
    problems p = {0};
    sou_doc *docs[4];
    gzFile gz;
    FILE *f;
    long size;
    char buf[4096];
    int n;
    sou_doc *many[64];

    snprintf(path, sizeof path, "%s/cut.jsonl.gz", tmpdir);
    gz = gzopen(path, "wb");
    for (int i = 0; i < 50; i++)
        gzprintf(gz, "{\"id\":\"c%d\",\"title\":\"t\",\"body\":\"%d 段落 paragraph\"}\n", i, i);
    gzclose(gz);
    f = fopen(path, "rb");
    size = (long)fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(path, buf, (size_t)(size - 12)); /* chop the end of the stream */
    n = read_all(path, SOU_INPUT_JSONL, 0, &p, many, 64);
    ck_assert_int_ge(p.n, 1); /* the truncation is reported */
    ck_assert_msg(strcmp(p.msg[p.n - 1], "read error: unexpected end of file") == 0, "%s", p.msg[p.n - 1]);
    ck_assert_int_lt(n, 50);
    free_all(many, n);
    (void)docs;
}
END_TEST

typedef struct {
    char *seen[16];
    int n;
} visited;

static int visit(const char *path, sou_input_kind kind, void *ctx)
{
    visited *v = ctx;
    ck_assert_int_eq(kind, SOU_INPUT_ARTICLE);
    ck_assert_int_lt(v->n, 16);
    v->seen[v->n++] = strdup(path);
    return 0;
}

START_TEST(walk_corpus)
{
    char dir[1024];
    visited v = {{0}, 0};
    char **seen = v.seen;
    int n;

    snprintf(dir, sizeof dir, "%s/corpus", sou_test_source_dir());
    ck_assert_int_eq(sou_inputs_walk(dir, visit, &v, NULL, NULL), 0);
    n = v.n;
    ck_assert_int_eq(n, 4); /* README.md is not an input */
    ck_assert_ptr_nonnull(strstr(seen[0], "/000_ac1cf03b7f701441.txt"));
    ck_assert_ptr_nonnull(strstr(seen[3], "/003_1bdcc1241bf11e8e.txt"));
    for (int i = 0; i < n; i++)
        free(seen[i]);
}
END_TEST

START_TEST(date_values)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"2026-02-06 08:00:01", "20260206080001"}, {"2020-12-29", "20201229000000"},
        {"2026年2月6日", "20260206000000"},        {"20260206", "20260206000000"},
        {"2026-2-6 8:05", "20260206080500"},        {"2026/02", "20260200000000"},
        {"20260206080001", "20260206080001"},
    };
    static const char *const bad[] = {"", "yesterday", "26-02-06", "2026", "2026-13-01", "123456789"};
    char out[15];

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_assert_msg(sou_document_date_value(cases[i].in, out) == 1, "%s", cases[i].in);
        ck_assert_str_eq(out, cases[i].out);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(sou_document_date_value(bad[i], out) == 0, "'%s' gave %s", bad[i], out);
}
END_TEST

/* The fast writer of the document data gives exactly what jansson gives. */
START_TEST(data_json)
{
    char path[1024], raw[160];
    problems p = {0};
    sou_doc *docs[16];
    int n, len = 0;
    json_t *o;

    snprintf(path, sizeof path, "%s/tests/data/readers/broken.jsonl", sou_test_source_dir());
    n = read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 16);
    docs[n++] = read_seed("000_ac1cf03b7f701441.txt");
    docs[n++] = read_seed("003_1bdcc1241bf11e8e.txt");
    /* every ASCII byte, in a key and in a value */
    for (int c = 1; c < 128; c++)
        raw[len++] = (char)c;
    raw[len] = '\0';
    o = json_object();
    json_object_set_new(o, "id", json_string("esc"));
    json_object_set_new(o, raw, json_string(raw));
    docs[n++] = sou_doc_from_fields(o, "x", 1, 1);
    for (int i = 0; i < n; i++) {
        size_t got_len;
        char *want = json_dumps(docs[i]->fields, JSON_COMPACT), *got = sou_json_line(docs[i]->fields, &got_len);
        ck_assert_str_eq(got, want);
        ck_assert_uint_eq(got_len, strlen(want));
        free(want);
        free(got);
    }
    free_all(docs, n);
}
END_TEST

START_TEST(idterm)
{
    char buf[300], big[260];
    ck_assert_uint_eq(sou_document_idterm("000_ac1c", buf, sizeof buf), 9);
    ck_assert_str_eq(buf, "Q000_ac1c");
    ck_assert_uint_eq(sou_document_idterm("abc", buf, 4), 0); /* does not fit */
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_uint_eq(sou_document_idterm(big, buf, sizeof buf), 0); /* over Xapian's limit */
}
END_TEST

/* ------------------------------------------------------------ limits */

START_TEST(empty_files)
{
    char path[128];
    problems p = {0};
    sou_doc *docs[2];

    snprintf(path, sizeof path, "%s/empty.jsonl", tmpdir);
    write_file(path, "", 0);
    ck_assert_int_eq(read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 2), 0);
    ck_assert_int_eq(p.n, 0);

    /* an empty article is a document with an empty title and body */
    snprintf(path, sizeof path, "%s/empty.txt", tmpdir);
    write_file(path, "", 0);
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 1);
    ck_assert_int_eq(p.n, 0);
    ck_assert_str_eq(docs[0]->id, "empty");
    ck_assert_str_eq(docs[0]->title, "");
    ck_assert_str_eq(docs[0]->body, "");
    free_all(docs, 1);
}
END_TEST

START_TEST(overlong_line)
{
    char path[128], line[400];
    problems p = {0};
    sou_doc *docs[4];
    FILE *f;
    int n;

    snprintf(path, sizeof path, "%s/long.jsonl", tmpdir);
    f = fopen(path, "w");
    fprintf(f, "{\"id\":\"a\",\"title\":\"t\",\"body\":\"short\"}\n");
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    fprintf(f, "{\"id\":\"b\",\"title\":\"t\",\"body\":\"%s\"}\n", line); /* > 300 bytes */
    fprintf(f, "{\"id\":\"c\",\"title\":\"t\",\"body\":\"after\"}\n");
    fclose(f);
    n = read_all(path, SOU_INPUT_JSONL, 300, &p, docs, 4);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(docs[0]->id, "a");
    ck_assert_str_eq(docs[1]->id, "c");
    ck_assert_uint_eq(docs[1]->line, 3);
    ck_assert_int_eq(p.n, 1);
    ck_assert_uint_eq(p.line[0], 2);
    ck_assert_ptr_nonnull(strstr(p.msg[0], "longer than 300 bytes"));
    free_all(docs, n);
}
END_TEST

START_TEST(article_shapes)
{
    static const char text[] =
        "\xEF\xBB\xBF标题在这里\r\n\r\n2026-01-02 03:04来源\r\n第一段。\r\n(备注:数据仅供参考,具体以当地有关法规为准)\r\n"
        "第二段。\r\n温馨提示:\r\n第三段。\r\n社保网声明:资讯来源于网络\r\n不该出现\r\n";
    char path[128];
    problems p = {0};
    sou_doc *docs[2];

    snprintf(path, sizeof path, "%s/a.b.txt", tmpdir);
    write_file(path, text, sizeof text - 1);
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 1);
    ck_assert_str_eq(docs[0]->id, "a.b");
    ck_assert_str_eq(docs[0]->title, "标题在这里");
    ck_assert_str_eq(docs[0]->date, "2026-01-02 03:04");
    ck_assert_str_eq(json_string_value(json_object_get(docs[0]->fields, "source")), "来源");
    ck_assert_str_eq(docs[0]->body, "第一段。\n第二段。\n温馨提示:\n第三段。");
    free_all(docs, 1);

    /* a related-article line ends the body even without the statement line */
    snprintf(path, sizeof path, "%s/r.txt", tmpdir);
    {
        static const char related[] = "标题\n2026-01-02 03:04:05\n正文\n别的文章?(2026-02-05) 2026-02-05 23:24医保知识\n";
        write_file(path, related, sizeof related - 1);
    }
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 1);
    ck_assert_str_eq(docs[0]->body, "正文");
    ck_assert_ptr_null(json_object_get(docs[0]->fields, "source"));
    free_all(docs, 1);
    ck_assert_int_eq(p.n, 0);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(unreadable)
{
    char path[128];
    problems p = {0};
    sou_doc *docs[2];

    snprintf(path, sizeof path, "%s/missing.jsonl", tmpdir);
    ck_assert_int_eq(read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 2), -1);
    ck_assert_int_eq(p.n, 1);
    ck_assert_uint_eq(p.line[0], 0);
    ck_assert_ptr_nonnull(strstr(p.msg[0], "No such file"));

    snprintf(path, sizeof path, "%s/missing.txt", tmpdir);
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 0);
    ck_assert_int_eq(p.n, 2);

    /* a directory given as a JSONL file */
    ck_assert_int_eq(read_all(tmpdir, SOU_INPUT_JSONL, 0, &p, docs, 2), -1);
    ck_assert_int_eq(p.n, 3);

    /* walking a missing path reports it */
    {
        visited v = {{0}, 0};
        snprintf(path, sizeof path, "%s/nothing-here", tmpdir);
        ck_assert_int_eq(sou_inputs_walk(path, visit, &v, collect, &p), -1);
        ck_assert_int_eq(p.n, 4);
        ck_assert_int_eq(v.n, 0);
    }
}
END_TEST

START_TEST(article_invalid_utf8)
{
    static const char text[] = "标题\n2026-01-02 03:04:05来源\n第一\xff段\n第二段\xe5\n";
    char path[128];
    problems p = {0};
    sou_doc *docs[2];

    snprintf(path, sizeof path, "%s/bad.txt", tmpdir);
    write_file(path, text, sizeof text - 1);
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 1);
    ck_assert_int_eq(p.n, 1);
    ck_assert_uint_eq(p.line[0], 3); /* the line of the first bad byte */
    ck_assert_ptr_nonnull(strstr(p.msg[0], "invalid UTF-8: 2 bytes dropped"));
    ck_assert_str_eq(docs[0]->body, "第一段\n第二段");
    free_all(docs, 1);
}
END_TEST

START_TEST(utf8_clean)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
        size_t invalid, first;
    } cases[] = {
        {"abc", 3, "abc", 0, 3},
        {"\xe4\xb8\xad\xe6\x96\x87", 6, "中文", 0, 6},
        {"a\xc0\xafz", 4, "az", 2, 1},                 /* overlong '/' */
        {"\xed\xa0\x80x", 4, "x", 3, 0},               /* surrogate U+D800 */
        {"x\xe5\x8f", 3, "x", 2, 1},                   /* truncated at the end */
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80", 0, 4}, /* emoji, 4 bytes */
        {"\xf4\x90\x80\x80!", 5, "!", 4, 0},           /* above U+10FFFF */
        {"\x80\xbf", 2, "", 2, 0},                     /* lone continuation bytes */
        {"\xe0\x80\x80", 3, "", 3, 0},                 /* overlong 3-byte */
    };
    char buf[16];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t invalid, first, n;
        memcpy(buf, cases[i].in, cases[i].len);
        n = sou_utf8_clean(buf, cases[i].len, &invalid, &first);
        ck_assert_msg(n == strlen(cases[i].out) && memcmp(buf, cases[i].out, n) == 0, "case %zu", i);
        ck_assert_uint_eq(invalid, cases[i].invalid);
        ck_assert_uint_eq(first, cases[i].first);
    }
}
END_TEST

START_TEST(article_nul_bytes)
{
    static const char text[] = "标\0题\n2026-01-02 03:04:05来源\n第一\0段\n";
    char path[128];
    problems p = {0};
    sou_doc *docs[2];

    snprintf(path, sizeof path, "%s/nul.txt", tmpdir);
    write_file(path, text, sizeof text - 1);
    ck_assert_int_eq(read_all(path, SOU_INPUT_ARTICLE, 0, &p, docs, 2), 1);
    ck_assert_int_eq(p.n, 1);
    ck_assert_uint_eq(p.line[0], 1);
    ck_assert_msg(strstr(p.msg[0], "2 NUL bytes replaced by spaces") != NULL, "%s", p.msg[0]);
    ck_assert_str_eq(docs[0]->title, "标 题");
    ck_assert_str_eq(docs[0]->body, "第一 段");
    ck_assert_uint_eq(docs[0]->body_len, strlen("第一 段"));
    free_all(docs, 1);
}
END_TEST

START_TEST(jsonl_nul_escapes)
{
    static const char text[] = "{\"id\":\"n1\",\"title\":\"a\\u0000b\",\"body\":\"正文\\u0000内容\"}\n";
    char path[128];
    problems p = {0};
    sou_doc *docs[2];

    snprintf(path, sizeof path, "%s/nul.jsonl", tmpdir);
    write_file(path, text, sizeof text - 1);
    ck_assert_int_eq(read_all(path, SOU_INPUT_JSONL, 0, &p, docs, 2), 1);
    ck_assert_int_eq(p.n, 1);
    ck_assert_msg(strstr(p.msg[0], "2 NUL bytes") != NULL, "%s", p.msg[0]);
    ck_assert_str_eq(docs[0]->title, "a b");
    ck_assert_str_eq(docs[0]->body, "正文 内容");
    ck_assert_uint_eq(docs[0]->body_len, strlen("正文 内容"));
    free_all(docs, 1);
}
END_TEST

static int count_visit(const char *path, sou_input_kind kind, void *ctx)
{
    (*(int *)ctx)++;
    return 0;
}

/* mkdir -p d/sub; ln -s .. d/sub/up; ln -s ../d d/self: the walk ends,
 * reads the one file once and reports the loops. */
START_TEST(walk_symlink_loops)
{
    char d[256], sub[300], link[320], file[320];
    problems p = {0};
    int visits = 0;

    snprintf(d, sizeof d, "%s/d", tmpdir);
    snprintf(sub, sizeof sub, "%s/sub", d);
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    snprintf(link, sizeof link, "%s/up", sub);
    ck_assert_int_eq(symlink("..", link), 0);
    snprintf(link, sizeof link, "%s/self", d);
    ck_assert_int_eq(symlink("../d", link), 0);
    snprintf(file, sizeof file, "%s/a.txt", sub);
    write_file(file, "标题\n正文\n", strlen("标题\n正文\n"));
    ck_assert_int_eq(sou_inputs_walk(d, count_visit, &visits, collect, &p), -1);
    ck_assert_int_eq(visits, 1);
    ck_assert_int_eq(p.n, 2);
    ck_assert_msg(strstr(p.msg[0], "symbolic-link loop") != NULL, "%s", p.msg[0]);
}
END_TEST

START_TEST(unknown_input_kind)
{
    char path[128];
    problems p = {0};
    int visits = 0;

    snprintf(path, sizeof path, "%s/data.csv", tmpdir);
    write_file(path, "id,title\n1,x\n", 14);
    ck_assert_int_eq(sou_input_kind_of(path), SOU_INPUT_UNKNOWN);
    ck_assert_int_eq(sou_input_kind_of("a.txt"), SOU_INPUT_ARTICLE);
    ck_assert_int_eq(sou_inputs_walk(path, count_visit, &visits, collect, &p), -1);
    ck_assert_int_eq(visits, 0);
    ck_assert_int_eq(p.n, 1);
    ck_assert_msg(strstr(p.msg[0], "not an input sou reads") != NULL, "%s", p.msg[0]);
}
END_TEST

static Suite *readers_suite(void)
{
    Suite *s = suite_create("readers");
    TCase *core = tcase_create("core"), *limits = tcase_create("limits"),
          *errors = tcase_create("errors");

    tcase_add_checked_fixture(core, tmp_setup, tmp_teardown);
    tcase_add_checked_fixture(limits, tmp_setup, tmp_teardown);
    tcase_add_checked_fixture(errors, tmp_setup, tmp_teardown);
    tcase_add_test(core, seed_000);
    tcase_add_test(core, seed_001);
    tcase_add_test(core, seed_002);
    tcase_add_test(core, seed_003);
    tcase_add_test(core, seed_fields_order);
    tcase_add_test(core, jsonl_broken);
    tcase_add_test(core, jsonl_gzip);
    tcase_add_test(core, walk_corpus);
    tcase_add_test(core, date_values);
    tcase_add_test(core, idterm);
    tcase_add_test(core, data_json);
    tcase_add_test(limits, empty_files);
    tcase_add_test(limits, overlong_line);
    tcase_add_test(limits, article_shapes);
    tcase_add_test(errors, unreadable);
    tcase_add_test(errors, article_invalid_utf8);
    tcase_add_test(errors, utf8_clean);
    tcase_add_test(errors, jsonl_truncated_gzip);
    tcase_add_test(errors, article_nul_bytes);
    tcase_add_test(errors, jsonl_nul_escapes);
    tcase_add_test(errors, walk_symlink_loops);
    tcase_add_test(errors, unknown_input_kind);
    suite_add_tcase(s, core);
    suite_add_tcase(s, limits);
    suite_add_tcase(s, errors);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(readers_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
