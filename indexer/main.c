/*
 * main.c: the indexer program; options, signals and messages around
 * sou_index_run() (index_writer.h).
 *
 * Exit status: 0 everything indexed; 1 some input had problems (each
 * reported as file:line: ..., the rest indexed); 2 usage error; 3 database
 * error (locked, cannot be created or written); 130 (SIGINT) or 143
 * (SIGTERM) when interrupted after committing what was read.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_writer.h"
#include "progress.h"
#include "segment.h"
#include "synonyms.h"

#define EXIT_PROBLEMS 1
#define EXIT_USAGE 2
#define EXIT_DATABASE 3

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* Messages and the progress line share stderr: one writer at a time. */
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
static sou_progress progress_line;

static void print_problem(const char *file, unsigned long line, const char *msg, void *ctx)
{
    pthread_mutex_lock(&out_mu);
    sou_progress_clear(&progress_line);
    if (line)
        fprintf(stderr, "%s:%lu: %s\n", file, line, msg);
    else
        fprintf(stderr, "%s: %s\n", file, msg);
    pthread_mutex_unlock(&out_mu);
}

static void print_warning(const char *msg, void *ctx)
{
    pthread_mutex_lock(&out_mu);
    sou_progress_clear(&progress_line);
    fprintf(stderr, "indexer: warning: %s\n", msg);
    pthread_mutex_unlock(&out_mu);
}

static void print_progress(const sou_index_stats *s, void *ctx)
{
    pthread_mutex_lock(&out_mu);
    sou_progress_draw(&progress_line, s);
    pthread_mutex_unlock(&out_mu);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: indexer --db DIR [options] INPUT...\n"
            "Index articles into the Xapian database DIR (created if missing).\n"
            "\n"
            "INPUT: a file (*.txt article, *.jsonl, *.jsonl.gz), a directory (searched\n"
            "recursively for those), or - for JSONL on standard input.\n"
            "\n"
            "Options:\n"
            "  --db DIR         the index to create or update; a Xapian stub file (or a\n"
            "                   directory holding XAPIANDB) is a sharded index: each\n"
            "                   article goes to one of its shards (local paths or\n"
            "                   xapian-tcpsrv --writable servers) by a hash of its id\n"
            "  --shards N       build a new DIR as N local shards plus the stub DIR/XAPIANDB\n"
            "  --delete ID      remove the document with this id (repeatable; done first)\n"
            "  --batch N        documents between commits (default %u)\n"
            "  --threads N      worker threads (default: number of processors)\n"
            "  --quiet          no progress line, no summary\n"
            "  --synonyms FILE  replace the index's synonyms with the rules in FILE\n"
            "                   (repeatable; no re-indexing; without it a new index\n"
            "                   gets sou's list, share/sou/synonyms.txt of the install)\n"
            "  --article-rules FILE  the footer and disclaimer lines dropped from article\n"
            "                   files (default: the seed site's; format in article_rules.h)\n"
            "  --facet FIELD    count and filter on the stored field FIELD (repeatable); the\n"
            "                   index remembers its facets: later runs need not repeat them\n"
            "  --label FIELD=NAME, --label FIELD:VALUE=NAME\n"
            "                   the name shown for a field or one of its values (repeatable;\n"
            "                   --label category=类别 --label category:DLC=地方性法规)\n"
            "  --unigrams MODE  run-end (default), terms, positions or none: for measurements\n"
            "                   only: searchd expects the default\n"
            "  --help           this text\n"
            "  --version        the version of sou\n"
            "\n"
            "Exit status: 0 ok, 1 some input reported and skipped, 2 usage, 3 database\n"
            "error, 130 interrupted (what was read is committed).\n",
            SOU_INDEX_DEFAULT_BATCH);
}

/* sou's synonym list: installed as PREFIX/share/sou/synonyms.txt beside
 * PREFIX/bin/indexer (cmake --install, the Debian package), else, for a
 * program run from its build tree, the source's indexer/synonyms.txt
 * (SOU_SYNONYMS_DEFAULT).  Found from the program's own path, so an
 * installed tree can be moved. */
static const char *default_synonyms(void)
{
    static char path[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n > 0) {
        exe[n] = '\0';
        if ((slash = strrchr(exe, '/')) != NULL) {
            *slash = '\0';
            if (snprintf(path, sizeof path, "%s/../share/sou/synonyms.txt", exe) < (int)sizeof path &&
                access(path, R_OK) == 0)
                return path;
        }
    }
    return SOU_SYNONYMS_DEFAULT;
}

static int check_pair(const char *term, const char *synonym, void *ctx)
{
    return 0;
}

/* The article rules in path (article_rules.h), or NULL with the reason on
 * stderr. */
static sou_article_rules *load_rules(const char *path)
{
    FILE *f = fopen(path, "re");
    char *text = NULL, err[512];
    size_t len = 0, cap = 0;
    sou_article_rules *rules = NULL;

    if (!f) {
        fprintf(stderr, "indexer: --article-rules %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (getdelim(&text, &cap, '\0', f) < 0 && ferror(f)) {
        fprintf(stderr, "indexer: --article-rules %s: %s\n", path, strerror(errno));
    } else {
        len = text ? strlen(text) : 0;
        if (!feof(f)) /* getdelim stopped at a NUL byte */
            fprintf(stderr, "indexer: --article-rules %s: NUL byte in the file\n", path);
        else if (!(rules = sou_article_rules_parse(text ? text : "", len, path, err, sizeof err)))
            fprintf(stderr, "indexer: %s\n", err);
    }
    free(text);
    fclose(f);
    return rules;
}

static int parse_count(const char *arg, const char *name, unsigned *out)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno || *end || end == arg || v == 0 || v > 100000000ul || arg[0] == '-') {
        fprintf(stderr, "indexer: --%s wants a positive number, not '%s'\n", name, arg);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"delete", required_argument, NULL, 'x'},
        {"batch", required_argument, NULL, 'b'},   {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},         {"unigrams", required_argument, NULL, 'u'},
        {"facet", required_argument, NULL, 'f'},   {"label", required_argument, NULL, 'l'},
        {"shards", required_argument, NULL, 's'},  {"article-rules", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
        {"synonyms", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    sou_index_options opt = {0};
    sou_article_rules *rules = NULL;
    sou_index_stats stats;
    sx_error err = {SX_OK, "", ""};
    const char **deletes = NULL, **synonyms = NULL;
    size_t ndeletes = 0, nsynonyms = 0;
    int quiet = 0, c, status = EXIT_USAGE;
    struct sigaction sa;
    char summary[512], threshold[32], why[256];
    sou_fields fields;
    int have_fields = 0;

    deletes = calloc((size_t)argc, sizeof *deletes);
    synonyms = calloc((size_t)argc, sizeof *synonyms);
    if (!deletes || !synonyms || sou_fields_init(&fields) < 0) {
        free(deletes);
        free(synonyms);
        return EXIT_DATABASE;
    }
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            opt.db_path = optarg;
            break;
        case 'x':
            deletes[ndeletes++] = optarg;
            break;
        case 'S':
            synonyms[nsynonyms++] = optarg;
            break;
        case 'b':
            if (parse_count(optarg, "batch", &opt.batch))
                goto done;
            break;
        case 't':
            if (parse_count(optarg, "threads", &opt.threads))
                goto done;
            break;
        case 'f':
        case 'l':
            if ((c == 'f' ? sou_fields_add_facet(&fields, optarg, why, sizeof why)
                          : sou_fields_add_label(&fields, optarg, why, sizeof why)) < 0) {
                fprintf(stderr, "indexer: --%s: %s\n", c == 'f' ? "facet" : "label", why);
                goto done;
            }
            have_fields = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 's':
            if (parse_count(optarg, "shards", &opt.shards))
                goto done;
            break;
        case 'r':
            if (!(rules = load_rules(optarg)))
                goto done;
            opt.article_rules = rules;
            break;
        case 'u':
            if (strcmp(optarg, "run-end") == 0)
                opt.unigrams = SOU_UNIGRAMS_RUN_END;
            else if (strcmp(optarg, "terms") == 0)
                opt.unigrams = SOU_UNIGRAMS_TERMS;
            else if (strcmp(optarg, "positions") == 0)
                opt.unigrams = SOU_UNIGRAMS_POSITIONS;
            else if (strcmp(optarg, "none") == 0)
                opt.unigrams = SOU_UNIGRAMS_NONE;
            else {
                fprintf(stderr, "indexer: --unigrams wants run-end, terms, positions or none\n");
                goto done;
            }
            break;
        case 'h':
            usage(stdout);
            status = 0;
            goto done;
        case 'V':
            printf("indexer (sou) %s\n", SOU_VERSION);
            status = 0;
            goto done;
        default:
            usage(stderr);
            goto done;
        }
    }
    if (!opt.db_path) {
        fprintf(stderr, "indexer: --db DIR is required\n");
        usage(stderr);
        goto done;
    }
    if (optind == argc && ndeletes == 0 && !have_fields && nsynonyms == 0) {
        fprintf(stderr, "indexer: nothing to do: give INPUT files or directories, -, --delete, --facet, "
                        "--label or --synonyms\n");
        usage(stderr);
        goto done;
    }

    /* Xapian keeps changes in memory maps until it flushes them, every
     * XAPIAN_FLUSH_THRESHOLD documents (default 10000).  The writes are in
     * transactions, so a flush writes B-tree blocks without committing, and
     * small maps are much faster to update: flush often.  An explicit
     * setting in the environment wins.  Set before any database is opened. */
    snprintf(threshold, sizeof threshold, "%u", SOU_INDEX_DEFAULT_FLUSH);
    setenv("XAPIAN_FLUSH_THRESHOLD", threshold, 0);

    /* First SIGINT/SIGTERM: stop reading, commit, exit.  A second one kills. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    sou_progress_init(&progress_line, stderr, quiet ? 0 : -1);
    opt.stop = &stop_signal;
    opt.fields = have_fields ? &fields : NULL;
    opt.problem = print_problem;
    opt.warn = print_warning;
    opt.progress = print_progress;

    /* A bad synonym file fails before any indexing is done. */
    char synerr[600];
    /* document.c reads place names from it; titles are segmented with it
     * (as queries are) for the suggestions */
    if (!(opt.lexicon = sou_lexicon_shared(synerr, sizeof synerr))) {
        fprintf(stderr, "indexer: %s\n", synerr);
        status = EXIT_DATABASE;
        goto done;
    }
    if (nsynonyms && sou_synonyms_read(synonyms, nsynonyms, check_pair, NULL, synerr, sizeof synerr) < 0) {
        fprintf(stderr, "indexer: --synonyms: %s\n", synerr);
        goto done;
    }
    memset(&stats, 0, sizeof stats);
    status = 0;
    int indexing = optind < argc || ndeletes || have_fields;
    if (indexing)
        switch (sou_index_run(&opt, (const char *const *)argv + optind, (size_t)(argc - optind),
                              deletes, ndeletes, &stats, &err)) {
    case SOU_INDEX_OK:
        status = 0;
        break;
    case SOU_INDEX_PROBLEMS:
        status = EXIT_PROBLEMS;
        break;
    case SOU_INDEX_INTERRUPTED:
        status = 128 + stop_signal;
        break;
    case SOU_INDEX_FAILED:
        status = EXIT_DATABASE;
        break;
    }
    pthread_mutex_lock(&out_mu);
    sou_progress_clear(&progress_line);
    pthread_mutex_unlock(&out_mu);
    if (status == EXIT_DATABASE)
        fprintf(stderr, "indexer: %s\n", err.message);
    if (stats.delete_missing && !quiet)
        fprintf(stderr, "indexer: %lu --delete id%s not in the index\n", stats.delete_missing,
                stats.delete_missing == 1 ? " was" : "s were");
    if (stop_signal)
        fprintf(stderr, "indexer: interrupted; what was read is committed\n");
    if (!quiet && indexing) {
        /* after a database error too: what was done, and what of it was lost */
        sou_progress_summary(&stats, summary, sizeof summary);
        printf("indexer: %s\n", summary);
    }
    if (status == 0 || status == EXIT_PROBLEMS) {
        long rules = 0;
        if (sou_synonyms_update(opt.db_path, synonyms, nsynonyms, default_synonyms(), &rules, synerr,
                                sizeof synerr) < 0) {
            fprintf(stderr, "indexer: synonyms: %s\n", synerr);
            status = EXIT_DATABASE;
        } else if (rules && !quiet) {
            printf("indexer: %ld synonym rules from %s\n", rules,
                   nsynonyms ? (nsynonyms == 1 ? synonyms[0] : "the --synonyms files") : default_synonyms());
        }
    }

done:
    sou_article_rules_free(rules);
    free(deletes);
    sou_fields_destroy(&fields);
    free(synonyms);
    return status;
}
