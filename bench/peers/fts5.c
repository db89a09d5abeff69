/* fts5: the peer "SQLite FTS5 with the trigram tokenizer" (Debian's libsqlite3, 3.40),
 * for bench/relevance.
 *
 *   fts5 index DB.sqlite  < docs.jsonl     CREATE VIRTUAL TABLE docs USING
 *                                           fts5(id UNINDEXED, title, body, tokenize='trigram'),
 *                                           every insert in one transaction, then 'optimize'.
 *   fts5 search DB.sqlite < questions.tsv  what a user would naively do: the question as one
 *                                           FTS5 string ("..." with " doubled), i.e. a phrase of
 *                                           its trigrams, ORDER BY rank (BM25), LIMIT 10.
 * Input and output formats: peer_io.h.
 */
#include <sqlite3.h>

#include "peer_io.h"

static int exec_or_report(sqlite3 *db, const char *sql, const char *path)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s: %s\n", path, sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int run_index(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    peer_docs in = {0};
    const peer_doc *d;
    int rc = 1;

    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    peer_docs_start(&in, stdin);
    if (exec_or_report(db, "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
                           "tokenize='trigram'); BEGIN",
                       path) < 0)
        goto done;
    if (sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, body) VALUES (?1, ?2, ?3)", -1, &ins,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    while ((d = peer_docs_next(&in)) != NULL) {
        sqlite3_bind_text(ins, 1, d->id, (int)d->id_len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, d->title, (int)d->title_len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, d->body, (int)d->body_len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "fts5: stdin:%ld: insert: %s\n", in.lineno, sqlite3_errmsg(db));
            goto done;
        }
        sqlite3_reset(ins);
    }
    if (exec_or_report(db, "COMMIT; INSERT INTO docs(docs) VALUES('optimize')", path) < 0)
        goto done;
    rc = peer_docs_end(&in, "fts5");
done:
    peer_docs_free(&in);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return rc;
}

/* Writes `text` as one FTS5 string into buf ("..." with every " doubled).
 * Returns buf (grown; the caller frees it). */
static char *fts5_quote(const char *text, char *buf, size_t *cap)
{
    size_t need = 2 * strlen(text) + 3, o = 0;
    if (need > *cap) {
        char *nb = realloc(buf, need);
        if (!nb) {
            free(buf);
            *cap = 0;
            return NULL;
        }
        buf = nb;
        *cap = need;
    }
    buf[o++] = '"';
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            buf[o++] = '"';
        buf[o++] = *p;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

static int run_search(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *sel = NULL;
    peer_questions qs = {0};
    char *quoted = NULL, *ids = NULL;
    size_t qcap = 0, idcap = 0;
    int rc = 1, r;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT id FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 10",
                           -1, &sel, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    peer_questions_start(&qs, stdin);
    while (peer_questions_next(&qs)) {
        const char *qid = qs.qid, *text = qs.text;
        double t0 = peer_now();
        size_t idlen = 0;
        if (!(quoted = fts5_quote(text, quoted, &qcap)))
            goto done;
        sqlite3_bind_text(sel, 1, quoted, -1, SQLITE_STATIC);
        while ((r = sqlite3_step(sel)) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(sel, 0);
            size_t n = strlen(id);
            if (idlen + n + 2 > idcap) {
                size_t ncap = 2 * (idlen + n + 2);
                char *nb = realloc(ids, ncap);
                if (!nb)
                    goto done;
                ids = nb;
                idcap = ncap;
            }
            if (idlen)
                ids[idlen++] = ' ';
            memcpy(ids + idlen, id, n);
            idlen += n;
        }
        if (r != SQLITE_DONE) /* e.g. a syntax error: that question gets no answer */
            fprintf(stderr, "fts5: %s: %s\n", qid, sqlite3_errmsg(db));
        sqlite3_reset(sel);
        peer_answer(qid, (peer_now() - t0) * 1e6, ids, idlen);
    }
    rc = 0;
done:
    peer_questions_free(&qs);
    free(quoted);
    free(ids);
    sqlite3_finalize(sel);
    sqlite3_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "index") && strcmp(argv[1], "search"))) {
        fprintf(stderr, "usage: fts5 index|search DB.sqlite < input\n");
        return 2;
    }
    return strcmp(argv[1], "index") == 0 ? run_index(argv[2]) : run_search(argv[2]);
}
