/*
 * sou_eval.c: relevance and latency of sou's search, in-process.
 *
 *   sou-eval [options] INDEX queries.tsv qrels.tsv
 *
 * queries.tsv: qid<TAB>question; qrels.tsv: qid<TAB>docid<TAB>relevance
 * (relevance > 0 counts).  Asks every question through sou_search (limit
 * 10 unless --limit N, snippets on unless --passages 0) and prints success@1, success@10,
 * MRR@10, the questions with no hit, and latency p50/p99/mean per query
 * (wall time, and this thread's CPU time, which other load does not inflate).
 *
 * Ranking knobs (to tune; the defaults are sou's): --k1 X --b X
 * --title W --phrase W --elite N --title-elite N --common SHARE --common-docs N
 * --no-stopwords --no-leftovers;
 * --passages N;
 * --misses prints each question whose answer is not first;
 * --dump FILE writes every answer (took_ms removed) as one JSON line, to
 * check that a speed-up changed nothing visible (diff two dumps);
 * --run FILE writes the ranked ids as qid<TAB>rank<TAB>id lines, the run
 * format ../shared/eval/graded.py scores (graded.py tsv FILE ...).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query_build.h"
#include "search.h"

typedef struct {
    char *qid, *text;
    char **rel;
    size_t nrel;
} question;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: unlike wall time, not inflated when other
 * processes compete for the cores. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static void usage(void)
{
    fprintf(stderr, "usage: sou-eval [--k1 X] [--b X] [--title W] [--phrase W] [--elite N] [--title-elite N] [--common SHARE] [--common-docs N] [--no-stopwords] "
                    "[--no-leftovers] [--passages N] [--limit N] [--no-collapse] [--misses] [--dump FILE] [--run FILE] INDEX queries.tsv qrels.tsv\n");
    exit(2);
}

int main(int argc, char **argv)
{
    sou_rank_params rp;
    sou_rank_params_init(&rp);
    int passages = 2, misses = 0, collapse = 1, limit = 10, i;
    FILE *dump = NULL, *run = NULL;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--no-stopwords")) {
            rp.drop_stopwords = 0;
            continue;
        }
        if (!strcmp(a, "--dump") && i + 1 < argc) {
            if (!(dump = fopen(argv[++i], "w"))) {
                perror(argv[i]);
                return 1;
            }
            continue;
        }
        if (!strcmp(a, "--run") && i + 1 < argc) {
            if (!(run = fopen(argv[++i], "w"))) {
                perror(argv[i]);
                return 1;
            }
            continue;
        }
        if (!strcmp(a, "--no-leftovers")) {
            rp.leftover_unigrams = 0;
            continue;
        }
        if (!strcmp(a, "--no-collapse")) {
            collapse = 0;
            continue;
        }
        if (!strcmp(a, "--misses")) {
            misses = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        double v = atof(argv[++i]);
        if (!strcmp(a, "--k1"))
            rp.k1 = v;
        else if (!strcmp(a, "--b"))
            rp.b = v;
        else if (!strcmp(a, "--title"))
            rp.title_weight = v;
        else if (!strcmp(a, "--audience"))
            rp.audience_weight = v;
        else if (!strcmp(a, "--scope"))
            rp.scope_weight = v;
        else if (!strcmp(a, "--title-cover"))
            rp.title_cover_weight = v;
        else if (!strcmp(a, "--title-all"))
            rp.title_all_weight = v;
        else if (!strcmp(a, "--junction"))
            rp.junction_weight = v;
        else if (!strcmp(a, "--phrase"))
            rp.phrase_weight = v;
        else if (!strcmp(a, "--elite"))
            rp.elite = (unsigned)v;
        else if (!strcmp(a, "--title-elite"))
            rp.title_elite = (unsigned)v;
        else if (!strcmp(a, "--common"))
            rp.common_share = v;
        else if (!strcmp(a, "--common-docs"))
            rp.common_docs = (unsigned)v;
        else if (!strcmp(a, "--passages"))
            passages = (int)v;
        else if (!strcmp(a, "--limit"))
            limit = (int)v;
        else
            usage();
    }
    if (argc - i != 3)
        usage();
    const char *db = argv[i], *qpath = argv[i + 1], *rpath = argv[i + 2];

    sou_error err = {0};
    sou_shard_options so;
    sou_shard_options_init(&so);
    so.keep_values = SOU_KEEP_VALUES_MAX; /* as searchd's workers */
    sou_searcher *s = sou_searcher_open_with(db, &so, &err);
    if (!s) {
        fprintf(stderr, "sou-eval: %s\n", err.message);
        return 1;
    }
    sou_searcher_set_rank(s, &rp);

    question *qs = NULL;
    size_t nq = 0, cap = 0;
    char line[65536];
    FILE *f = fopen(qpath, "r");
    if (!f) {
        perror(qpath);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        if (nq == cap) {
            question *grown;
            cap = cap ? cap * 2 : 1024;
            if (!(grown = realloc(qs, cap * sizeof *qs))) {
                fprintf(stderr, "sou-eval: out of memory\n");
                exit(1);
            }
            qs = grown;
        }
        qs[nq++] = (question){strdup(line), strdup(tab + 1), NULL, 0};
    }
    fclose(f);
    f = fopen(rpath, "r");
    if (!f) {
        perror(rpath);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        char *t1 = strchr(line, '\t');
        if (!t1)
            continue;
        *t1++ = '\0';
        char *t2 = strchr(t1, '\t');
        if (t2) {
            *t2++ = '\0';
            if (atoi(t2) <= 0)
                continue;
        }
        for (size_t k = 0; k < nq; k++)
            if (!strcmp(qs[k].qid, line)) {
                qs[k].rel = realloc(qs[k].rel, (qs[k].nrel + 1) * sizeof *qs[k].rel);
                qs[k].rel[qs[k].nrel++] = strdup(t1);
                break;
            }
    }
    fclose(f);

    double *lat = calloc(nq ? nq : 1, sizeof *lat), *cpu = calloc(nq ? nq : 1, sizeof *cpu);
    size_t s1 = 0, s10 = 0, nohit = 0, errors = 0, judged = 0;
    double rr = 0;
    for (size_t k = 0; k < nq; k++) {
        json_t *opts = json_pack("{s:s,s:i,s:i,s:b}", "q", qs[k].text, "limit", limit, "passages", passages, "collapse",
                                 collapse);
        double t0 = now_ms(), c0 = cpu_ms();
        json_t *ans = sou_search(s, opts, &err);
        lat[k] = now_ms() - t0;
        cpu[k] = cpu_ms() - c0;
        json_decref(opts);
        if (!ans) {
            errors++;
            fprintf(stderr, "%s\t%s\terror: %s\n", qs[k].qid, qs[k].text, err.message);
            continue;
        }
        if (dump) {
            json_object_del(ans, "took_ms");
            json_dumpf(ans, dump, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
            fputc('\n', dump);
        }
        json_t *hits = json_object_get(ans, "hits");
        if (json_array_size(hits) == 0)
            nohit++;
        for (size_t h = 0; run && h < json_array_size(hits); h++)
            fprintf(run, "%s\t%zu\t%s\n", qs[k].qid, h + 1,
                    json_string_value(json_object_get(json_array_get(hits, h), "id")));
        int rank = 0;
        for (size_t h = 0; h < json_array_size(hits) && !rank; h++) {
            const char *id = json_string_value(json_object_get(json_array_get(hits, h), "id"));
            for (size_t r = 0; id && r < qs[k].nrel; r++)
                if (!strcmp(id, qs[k].rel[r]))
                    rank = (int)h + 1;
        }
        if (qs[k].nrel)
            judged++;
        if (rank == 1)
            s1++;
        if (rank)
            s10++, rr += 1.0 / rank;
        if (misses && rank != 1 && qs[k].nrel) {
            json_t *top = json_array_get(hits, 0);
            char *terms = json_dumps(json_object_get(json_object_get(ans, "query"), "terms"), JSON_COMPACT);
            fprintf(stderr, "MISS %s rank=%d q=%s terms=%s top=%s %s\n", qs[k].qid, rank, qs[k].text,
                    terms ? terms : "", top ? json_string_value(json_object_get(top, "id")) : "-",
                    top ? json_string_value(json_object_get(top, "title")) : "");
            free(terms);
        }
        json_decref(ans);
    }
    qsort(lat, nq, sizeof *lat, cmp_double);
    qsort(cpu, nq, sizeof *cpu, cmp_double);
    double sum = 0, csum = 0;
    for (size_t k = 0; k < nq; k++)
        sum += lat[k], csum += cpu[k];
    double n = judged ? (double)judged : 1;
    printf("questions %zu judged %zu  success@1 %.3f  success@10 %.3f  MRR@10 %.3f  no-hit %zu  errors %zu\n",
           nq, judged, s1 / n, s10 / n, rr / n, nohit, errors);
    printf("latency ms (passages %d): p50 %.3f  p99 %.3f  mean %.3f  max %.3f\n", passages,
           nq ? lat[nq / 2] : 0, nq ? lat[(size_t)(nq * 0.99)] : 0, nq ? sum / nq : 0, nq ? lat[nq - 1] : 0);
    printf("cpu ms     (passages %d): p50 %.3f  p99 %.3f  mean %.3f  max %.3f\n", passages,
           nq ? cpu[nq / 2] : 0, nq ? cpu[(size_t)(nq * 0.99)] : 0, nq ? csum / nq : 0, nq ? cpu[nq - 1] : 0);
    printf("params: k1 %.2f b %.2f title %.2f phrase %.2f elite %u title-elite %u common %.3f/%u stopwords %d "
           "leftovers %d\n",
           rp.k1, rp.b, rp.title_weight, rp.phrase_weight, rp.elite, rp.title_elite, rp.common_share, rp.common_docs,
           rp.drop_stopwords,
           rp.leftover_unigrams);
    for (size_t k = 0; k < nq; k++) {
        free(qs[k].qid);
        free(qs[k].text);
        for (size_t r = 0; r < qs[k].nrel; r++)
            free(qs[k].rel[r]);
        free(qs[k].rel);
    }
    free(qs);
    if (dump && fclose(dump) != 0)
        perror("--dump");
    if (run && fclose(run) != 0)
        perror("--run");
    free(lat);
    free(cpu);
    sou_searcher_free(s);
    return 0;
}
