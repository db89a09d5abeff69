/* sou: ask searchd (or, with --db, an index directly) from a terminal.
 *
 *   sou [--server HOST:PORT] [-n N] [--json] [--color|--no-color] QUERY...
 *   sou --db DIR [-n N] [--json] QUERY...
 *
 * Exit status: 0 answered, 1 searchd answered with an error (bad query,
 * index unavailable), 2 usage error or searchd unreachable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "search.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: sou [--server HOST:PORT] [-n N] [--json] [--color|--no-color] QUERY...\n"
                 "  or:  sou --db DIR [-n N] [--json] QUERY...\n"
                 "Search sou: ask searchd over its line protocol, or an index directly.\n"
                 "The words of QUERY are joined by spaces into one query.\n"
                 "\n"
                 "Options:\n"
                 "  --server HOST:PORT  searchd's line protocol (default $SOU_SERVER or 127.0.0.1:7700)\n"
                 "  --db DIR            search the index in DIR directly, without searchd\n"
                 "  -n N                number of results (1..100, default 10)\n"
                 "  --json              print the answer's JSON as it is\n"
                 "  --color             mark matches in bold red, titles in bold (default on a terminal\n"
                 "                      unless NO_COLOR is set)\n"
                 "  --no-color          plain text\n"
                 "  --timeout MS        connect/answer timeout (default 10000)\n"
                 "  --help              this text\n"
                 "  --version           the version of sou\n"
                 "\n"
                 "Exit status: 0 answered (also with no hits), 1 searchd answered with an error\n"
                 "or the index cannot be opened, 2 usage error or searchd unreachable.\n");
}

int main(int argc, char **argv)
{
    const char *server = getenv("SOU_SERVER");
    const char *db = NULL;
    int limit = 0, json_out = 0, timeout_ms = 10000;
    int color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    char *q = NULL;
    size_t qlen = 0;
    sou_error err = {0};
    json_t *answer = NULL;
    char *raw = NULL;
    int status = 2, i;

    if (!server || !*server)
        server = "127.0.0.1:7700";
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("sou (sou) %s\n", SOU_VERSION);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json_out = 1;
        } else if (strcmp(a, "--color") == 0) {
            color = 1;
        } else if (strcmp(a, "--no-color") == 0) {
            color = 0;
        } else if ((strcmp(a, "--server") == 0 || strcmp(a, "--db") == 0 || strcmp(a, "-n") == 0 ||
                    strcmp(a, "--timeout") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "sou: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--server") == 0) {
                server = v;
            } else if (strcmp(a, "--db") == 0) {
                db = v;
            } else {
                char *end;
                long n = strtol(v, &end, 10);
                if (*v == '\0' || *end || n < 1 || n > (a[1] == 'n' ? 100 : 3600000)) {
                    fprintf(stderr, "sou: %s %s: not a number in range\n", a, v);
                    return 2;
                }
                if (a[1] == 'n')
                    limit = (int)n;
                else
                    timeout_ms = (int)n;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "sou: unknown option %s (see --help)\n", a);
            return 2;
        } else {
            break;
        }
    }
    /* The query is the remaining words, joined by spaces. */
    for (; i < argc; i++) {
        size_t n = strlen(argv[i]);
        char *b = realloc(q, qlen + n + 2);
        if (!b) {
            fprintf(stderr, "sou: out of memory\n");
            goto done;
        }
        q = b;
        if (qlen)
            q[qlen++] = ' ';
        memcpy(q + qlen, argv[i], n + 1);
        qlen += n;
    }
    if (!q) {
        usage(stderr);
        goto done;
    }

    if (db) {
        sou_searcher *s = sou_searcher_open(db, &err);
        json_t *options = json_pack("{s:s}", "q", q);
        if (options && limit)
            json_object_set_new(options, "limit", json_integer(limit));
        answer = s && options ? sou_search(s, options, &err) : NULL;
        json_decref(options);
        sou_searcher_free(s);
        if (!answer) {
            fprintf(stderr, "sou: %s\n", err.message[0] ? err.message : "out of memory");
            status = 1;
            goto done;
        }
        raw = json_dumps(answer, JSON_COMPACT | JSON_PRESERVE_ORDER);
    } else {
        sou_client *c = sou_client_connect(server, timeout_ms, &err);
        char *line = c ? sou_client_search_line(q, limit) : NULL;
        if (c && !line) {
            sou_error_set(&err, SOU_EBADREQUEST, "the query is not valid UTF-8");
            status = 1;
        }
        answer = line ? sou_client_call(c, line, &raw, &err) : NULL;
        free(line);
        sou_client_close(c);
        if (!answer) {
            fprintf(stderr, "sou: %s\n", err.message);
            goto done; /* status 2 (or 1 for a bad query) */
        }
    }
    if (json_out) {
        printf("%s\n", raw ? raw : "");
    } else if (json_object_get(answer, "error")) {
        /* printed below */
    } else {
        sou_print_answer(stdout, answer, color);
    }
    if (json_object_get(answer, "error")) {
        if (!json_out)
            fprintf(stderr, "sou: %s\n",
                    json_string_value(json_object_get(json_object_get(answer, "error"), "message")));
        status = 1;
    } else {
        status = 0;
    }
done:
    json_decref(answer);
    free(raw);
    free(q);
    return status;
}
