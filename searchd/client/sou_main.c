/* sou: ask searchd (or, with --db, an index directly) from a terminal.
 *
 *   sou [options] QUERY...     search
 *   sou [options] get ID       one document, with its related articles
 *
 * The options build the same JSON options searchd takes (search.h), sent as
 * "SEARCH {json}" / "GET {json}" over the line protocol, or given to
 * sou_search / sou_get_document in-process with --db; --json prints the
 * answer in searchd's own compact form either way.
 *
 * Exit status: 0 answered, 1 searchd answered with an error (bad query,
 * index unavailable, no such document), 2 usage error or searchd unreachable. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "json_line.h"
#include "search.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: sou [--server HOST:PORT | --db DIR] [options] QUERY...\n"
                 "  or:  sou [--server HOST:PORT | --db DIR] [--json] get ID\n"
                 "Search sou: ask searchd over its line protocol, or an index directly.\n"
                 "The words of QUERY are joined by spaces into one query; \"sou get ID\" prints\n"
                 "one document and its related articles (\"sou -- get\" searches for \"get\").\n"
                 "\n"
                 "Options:\n"
                 "  --server HOST:PORT  searchd's line protocol (default $SOU_SERVER or 127.0.0.1:7700)\n"
                 "  --db DIR            search the index in DIR directly, without searchd\n"
                 "  -n N                number of results (1..100, default 10)\n"
                 "  --offset N          skip the first N results (paging; 0..10000)\n"
                 "  --sort ORDER        relevance (default), date (newest first) or date_asc\n"
                 "  --from YYYY-MM-DD   only documents dated on or after this day\n"
                 "  --to YYYY-MM-DD     only documents dated on or before this day\n"
                 "  --facet FIELD       count the results by the values of FIELD (repeatable,\n"
                 "                      or FIELD,FIELD; the index's facet fields: indexer --facet)\n"
                 "  --filter FIELD:VALUE  only documents whose FIELD is VALUE (repeatable: AND\n"
                 "                      across fields, OR within one)\n"
                 "  --json              print the answer's JSON as searchd sends it\n"
                 "  --color             mark matches in bold red, titles in bold (default on a terminal\n"
                 "                      unless NO_COLOR is set)\n"
                 "  --no-color          plain text\n"
                 "  --timeout MS        connect/answer timeout (default 10000)\n"
                 "  --help              this text\n"
                 "  --version           the version of sou\n"
                 "\n"
                 "On a terminal long lines are wrapped to its width, passages keeping their indent.\n"
                 "\n"
                 "Exit status: 0 answered (also with no hits), 1 searchd answered with an error\n"
                 "or the index cannot be opened, 2 usage error or searchd unreachable.\n");
}

/* Where the answer comes from, and how it is shown. */
typedef struct {
    const char *server;
    const char *db;
    int timeout_ms;
    int json_out;
    sou_print_opts print;
} cli_opts;

/* A whole number in [min, max] from the value of option name; -1 if not. */
static long parse_number(const char *name, const char *v, long min, long max)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end || n < min || n > max) {
        fprintf(stderr, "sou: %s %s: not a number in %ld..%ld\n", name, v, min, max);
        return -1;
    }
    return n;
}

/* Add s to the array options[key] (created when missing).  -1 on OOM. */
static int append_string(json_t *options, const char *key, const char *s, size_t len)
{
    json_t *a = json_object_get(options, key);
    if (!a && json_object_set_new(options, key, a = json_array()) < 0)
        return -1;
    json_t *v = json_stringn(s, len);
    return v ? json_array_append_new(a, v) : -1;
}

/* The terminal's width when stdout is one, else 0 (no wrapping). */
static unsigned terminal_width(void)
{
    struct winsize ws;
    if (!isatty(STDOUT_FILENO))
        return 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    return c && atoi(c) > 0 ? (unsigned)atoi(c) : 80;
}

/* Ask: the answer (new reference) and its compact JSON line in *raw, or NULL
 * with err (code SOU_EUNAVAILABLE when searchd cannot be reached).  For a
 * document, *fields gets the index's fields (new reference, or NULL). */
static json_t *ask(const cli_opts *co, int get, const json_t *options, char **raw, json_t **fields,
                   sou_error *err)
{
    json_t *answer = NULL;
    *raw = NULL;
    *fields = NULL;
    if (co->db) {
        sou_searcher *s = sou_searcher_open(co->db, err);
        if (s)
            answer = get ? sou_get_document(s, json_string_value(json_object_get(options, "id")), NULL, err)
                         : sou_search(s, options, err);
        if (answer && get) {
            json_t *info = sou_searcher_info(s, err);
            *fields = json_incref(json_object_get(info, "fields"));
            json_decref(info);
        }
        sou_searcher_free(s);
        if (answer) {
            /* the bytes searchd would send: its serialiser, not json_dumps */
            size_t len;
            if (!(*raw = sou_json_line(answer, &len))) {
                json_decref(answer);
                answer = NULL;
                sou_error_set(err, SOU_EINTERNAL, "out of memory");
            }
        }
        return answer;
    }
    sou_client *c = sou_client_connect(co->server, co->timeout_ms, err);
    char *line = c ? sou_client_request_line(get ? "GET" : "SEARCH", options) : NULL;
    if (c && !line)
        sou_error_set(err, SOU_EINTERNAL, "out of memory");
    answer = line ? sou_client_call(c, line, raw, err) : NULL;
    if (answer && get && !json_object_get(answer, "error")) {
        sou_error ignored;
        *fields = sou_client_call(c, "FIELDS", NULL, &ignored); /* an older searchd: no names */
        if (json_object_get(*fields, "error")) {
            json_decref(*fields);
            *fields = NULL;
        }
    }
    free(line);
    sou_client_close(c);
    return answer;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"server", required_argument, NULL, 's'}, {"db", required_argument, NULL, 'd'},
        {"offset", required_argument, NULL, 'o'}, {"sort", required_argument, NULL, 'S'},
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
        {"facet", required_argument, NULL, 'F'},  {"filter", required_argument, NULL, 'x'},
        {"json", no_argument, NULL, 'j'},         {"color", no_argument, NULL, 'c'},
        {"no-color", no_argument, NULL, 'C'},     {"timeout", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    cli_opts co = {getenv("SOU_SERVER"), NULL, 10000, 0, {0, 0}};
    json_t *options = json_object(), *answer = NULL, *fields = NULL;
    char *q = NULL, *raw = NULL;
    size_t qlen = 0;
    sou_error err = {0};
    int status = 2, get = 0, c, i;
    long n;

    /* Display widths of CJK text need a UTF-8 character type. */
    if (!setlocale(LC_CTYPE, "") || MB_CUR_MAX == 1)
        setlocale(LC_CTYPE, "C.UTF-8");
    co.print.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    if (!co.server || !*co.server)
        co.server = "127.0.0.1:7700";
    if (!options)
        goto oom;
    /* Options may come before and after "get"; '+': the query's own words
     * (-兰州 excludes) are never taken for options once it has started. */
    for (int pass = 0; pass < 2; pass++) {
        while ((c = getopt_long(argc, argv, "+n:h", longopts, NULL)) != -1) {
            switch (c) {
            case 's': co.server = optarg; break;
            case 'd': co.db = optarg; break;
            case 'j': co.json_out = 1; break;
            case 'c': co.print.color = 1; break;
            case 'C': co.print.color = 0; break;
            case 'n':
            case 'o':
            case 'T':
                n = parse_number(c == 'n' ? "-n" : c == 'o' ? "--offset" : "--timeout", optarg, c == 'n' ? 1 : 0,
                                 c == 'n' ? 100 : c == 'o' ? 10000 : 3600000);
                if (n < 0 || (c == 'T' && n == 0))
                    goto done;
                if (c == 'T')
                    co.timeout_ms = (int)n;
                else if (json_object_set_new(options, c == 'n' ? "limit" : "offset", json_integer(n)) < 0)
                    goto oom;
                break;
            case 'S':
                if (strcmp(optarg, "relevance") && strcmp(optarg, "date") && strcmp(optarg, "date_asc")) {
                    fprintf(stderr, "sou: --sort %s: use relevance, date or date_asc\n", optarg);
                    goto done;
                }
                /* fall through */
            case 'f':
            case 't': {
                json_t *v = json_string(optarg);
                if (!v) {
                    fprintf(stderr, "sou: --%s: not valid UTF-8\n", c == 'S' ? "sort" : c == 'f' ? "from" : "to");
                    goto done;
                }
                if (json_object_set_new(options, c == 'S' ? "sort" : c == 'f' ? "date_from" : "date_to", v) < 0)
                    goto oom;
                break;
            }
            case 'F':
                for (const char *p = optarg; *p;) {
                    size_t len = strcspn(p, ",");
                    if (len && append_string(options, "facets", p, len) < 0)
                        goto bad_utf8;
                    p += len + (p[len] == ',');
                }
                break;
            case 'x':
                if (!strchr(optarg, ':')) {
                    fprintf(stderr, "sou: --filter %s: expected FIELD:VALUE\n", optarg);
                    goto done;
                }
                if (append_string(options, "filter", optarg, strlen(optarg)) < 0)
                    goto bad_utf8;
                break;
            case 'h':
                usage(stdout);
                status = 0;
                goto done;
            case 'V':
                printf("sou (sou) %s\n", SOU_VERSION);
                status = 0;
                goto done;
            default:
                fprintf(stderr, "sou: see --help\n");
                goto done;
            }
        }
        if (pass == 0 && optind < argc && strcmp(argv[optind], "get") == 0 && strcmp(argv[optind - 1], "--") != 0) {
            get = 1;
            optind++;
        } else {
            break;
        }
    }
    i = optind;
    if (get) {
        if (i + 1 != argc) {
            fprintf(stderr, "sou: get needs one document id (sou get ID)\n");
            goto done;
        }
        static const char *const search_only[] = {"limit", "offset", "sort", "date_from", "date_to", "facets",
                                                  "filter"};
        for (size_t k = 0; k < sizeof search_only / sizeof search_only[0]; k++)
            if (json_object_get(options, search_only[k])) {
                fprintf(stderr, "sou: get takes no search options (%s)\n", search_only[k]);
                goto done;
            }
        json_t *id = json_string(argv[i]);
        if (!id)
            goto bad_utf8;
        json_object_set_new(options, "id", id);
    } else {
        /* The query is the remaining words, joined by spaces. */
        for (; i < argc; i++) {
            size_t len = strlen(argv[i]);
            char *b = realloc(q, qlen + len + 2);
            if (!b)
                goto oom;
            q = b;
            if (qlen)
                q[qlen++] = ' ';
            memcpy(q + qlen, argv[i], len + 1);
            qlen += len;
        }
        if (!q) {
            usage(stderr);
            goto done;
        }
        json_t *qv = json_string(q);
        if (!qv)
            goto bad_utf8;
        json_object_set_new(options, "q", qv);
    }
    co.print.width = terminal_width();

    answer = ask(&co, get, options, &raw, &fields, &err);
    if (!answer) {
        char *msg = strdup(err.message[0] ? err.message : "out of memory");
        if (msg)
            sou_strip_controls(msg);
        fprintf(stderr, "sou: %s\n", msg ? msg : "out of memory");
        free(msg);
        /* searchd unreachable: 2; an answer it refused, or --db: 1 */
        status = co.db || err.code != SOU_EUNAVAILABLE ? 1 : 2;
        goto done;
    }
    if (co.json_out)
        printf("%s\n", raw ? raw : "");
    if (json_object_get(answer, "error")) {
        const char *m = json_string_value(json_object_get(json_object_get(answer, "error"), "message"));
        char *msg = strdup(m ? m : "error");
        if (msg)
            sou_strip_controls(msg);
        if (!co.json_out)
            fprintf(stderr, "sou: %s\n", msg ? msg : "error");
        free(msg);
        status = 1;
        goto done;
    }
    if (!co.json_out) {
        if (get)
            sou_print_document(stdout, answer, fields, &co.print);
        else
            sou_print_answer(stdout, answer, &co.print);
    }
    status = 0;
    goto done;
bad_utf8:
    fprintf(stderr, "sou: the %s is not valid UTF-8\n", get ? "document id" : "query");
    status = 1;
    goto done;
oom:
    fprintf(stderr, "sou: out of memory\n");
    status = 1;
done:
    json_decref(options);
    json_decref(answer);
    json_decref(fields);
    free(raw);
    free(q);
    return status;
}
