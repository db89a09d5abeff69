/* sou_docs: the documents sou's indexer reads from its inputs, as JSONL for the peers.
 *
 *   sou_docs INPUT... > docs.jsonl
 *
 * INPUT is what `indexer` takes (an article text file, JSONL[.gz], or a directory of
 * them, recursively).  Each document comes out as one line {"id", "title", "body"}
 * through sou's own readers (indexer/reader.h), so a peer given the seed articles
 * indexes the title and body sou indexes (the footer and disclaimers dropped), not the
 * raw file.  Problems in the input go to stderr as "file:line: message"; the exit
 * status is then 1 (the documents that could be read are written all the same).
 */
#include <stdio.h>
#include <string.h>

#include "reader.h"

typedef struct {
    size_t docs, problems;
    int write_failed;
} docs_state;

static void print_problem(const char *file, unsigned long line, const char *msg, void *ctx)
{
    docs_state *st = ctx;
    st->problems++;
    if (line)
        fprintf(stderr, "%s:%lu: %s\n", file, line, msg);
    else
        fprintf(stderr, "%s: %s\n", file, msg);
}

static int write_input(const char *path, sou_input_kind kind, void *ctx)
{
    docs_state *st = ctx;
    sou_reader_options opt = {print_problem, st, 0, NULL};
    sou_reader *r = sou_reader_open(path, kind, &opt);
    sou_doc *doc;

    if (!r)
        return 0; /* reported; go on with the next input */
    while (sou_reader_next(r, &doc) == 1) {
        json_t *o = json_pack("{s:s, s:s, s:s%}", "id", doc->id, "title", doc->title, "body", doc->body,
                              doc->body_len);
        if (!o || json_dumpf(o, stdout, JSON_COMPACT) != 0 || fputc('\n', stdout) == EOF)
            st->write_failed = 1;
        json_decref(o);
        sou_doc_free(doc);
        if (st->write_failed)
            break;
        st->docs++;
    }
    sou_reader_close(r);
    return st->write_failed;
}

int main(int argc, char **argv)
{
    docs_state st = {0, 0, 0};

    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(stderr, "usage: sou_docs INPUT... > docs.jsonl\n");
        return 2;
    }
    for (int i = 1; i < argc && !st.write_failed; i++)
        sou_inputs_walk(argv[i], write_input, &st, print_problem, &st);
    if (fflush(stdout) != 0 || st.write_failed) {
        perror("sou_docs: writing the documents");
        return 1;
    }
    fprintf(stderr, "sou_docs: docs %zu problems %zu\n", st.docs, st.problems);
    return st.problems ? 1 : 0;
}
