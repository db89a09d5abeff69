/* config.c: see config.h.  One table describes every key: its type, where
 * it lives in the struct, its range and its help text, so the file parser,
 * the flag parser and the usage text cannot disagree. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "search.h" /* the shard defaults: sou_shard_options_init */

typedef enum { OPT_STRING, OPT_INT, OPT_SIZE, OPT_LEVEL } opt_type;

typedef struct {
    const char *name; /* with '_' */
    opt_type type;
    size_t offset;
    long long min, max;
    const char *arg;
    const char *help;
} opt_spec;

#define F(field) offsetof(sou_config, field)
static const opt_spec options[] = {
    {"db", OPT_STRING, F(db), 0, 0, "DIR", "index directory (required; may not exist yet: 503 until it does)"},
    {"http", OPT_STRING, F(http), 0, 0, "HOST:PORT", "HTTP address, port 0 = any free port, off = none"},
    {"line", OPT_STRING, F(line), 0, 0, "HOST:PORT", "line-protocol address, port 0 = any free port, off = none"},
    {"threads", OPT_INT, F(threads), 1, 256, "N", "worker threads (number of CPUs, at least 2)"},
    {"config", OPT_STRING, F(config), 0, 0, "FILE", "read `key = value` settings from FILE (flags win)"},
    {"log_file", OPT_STRING, F(log_file), 0, 0, "FILE", "log to FILE instead of stderr (SIGHUP reopens)"},
    {"log_level", OPT_LEVEL, F(log_level), 0, 3, "LEVEL", "debug, info, warn or error"},
    {"access_log", OPT_STRING, F(access_log), 0, 0, "FILE", "one JSON line per request to FILE (SIGHUP reopens)"},
    {"idle_timeout", OPT_INT, F(idle_timeout), 1, 86400, "SECONDS", "close idle line connections after this"},
    {"http_timeout", OPT_INT, F(http_timeout), 1, 86400, "SECONDS", "HTTP read/keep-alive timeout"},
    {"max_line", OPT_SIZE, F(max_line), 16, 16 << 20, "BYTES", "longest line-protocol request"},
    {"max_headers", OPT_SIZE, F(max_headers), 1024, 16 << 20, "BYTES", "longest HTTP request head (413 beyond)"},
    {"max_body", OPT_SIZE, F(max_body), 0, 16 << 20, "BYTES", "longest HTTP request body (413 beyond)"},
    {"request_timeout", OPT_INT, F(request_timeout), 1, 86400, "SECONDS", "a request line or HTTP head must arrive whole within this"},
    {"max_connections", OPT_INT, F(max_connections), 1, 1000000, "N", "open line connections at most"},
    {"max_http_connections", OPT_INT, F(max_http_connections), 1, 1000000, "N", "open HTTP connections at most"},
    {"max_output", OPT_SIZE, F(max_output), 4096, 1LL << 32, "BYTES", "answers waiting for a line client that does not read; past it the client is closed"},
    {"max_pipeline", OPT_INT, F(max_pipeline), 1, 100000, "N", "unanswered requests per connection before pausing"},
    {"max_queue", OPT_INT, F(max_queue), 1, 10000000, "N", "waiting jobs before answering 503"},
    {"shutdown_timeout", OPT_INT, F(shutdown_timeout), 0, 3600, "SECONDS", "SIGTERM waits this long for in-flight work"},
    {"shard_timeout", OPT_INT, F(shard_timeout), 1, 3600000, "MS", "sharded index: a remote shard slower than this is left out"},
    {"shard_connect_timeout", OPT_INT, F(shard_connect_timeout), 1, 3600000, "MS", "sharded index: connecting to a remote shard"},
    {"shard_retry", OPT_INT, F(shard_retry), 1, 3600000, "MS", "sharded index: a failed shard is tried again after this"},
    {"shard_refresh", OPT_INT, F(shard_refresh), 1, 3600000, "MS", "sharded index: reconnect remote shards this often (new commits)"},
};
#undef F
#define N_OPTIONS (sizeof options / sizeof options[0])

void sou_config_defaults(sou_config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(cfg, 0, sizeof *cfg);
    cfg->db = NULL;                          /* no sensible default: must be given */
    cfg->http = strdup("127.0.0.1:8080");    /* loopback only unless asked otherwise */
    cfg->line = strdup("127.0.0.1:7700");    /* loopback only unless asked otherwise */
    cfg->config = NULL;                      /* no file unless --config */
    cfg->log_file = NULL;                    /* stderr, so systemd/journald or a terminal sees it */
    cfg->access_log = NULL;                  /* off: a line per request costs a write; operators opt in */
    cfg->threads = cpus < 2 ? 2 : (int)(cpus > 64 ? 64 : cpus); /* use every core; >= 2 so one slow query cannot block all */
    cfg->log_level = SOU_LOG_INFO;           /* start-up, reopen, shutdown, errors; not per request */
    cfg->idle_timeout = 300;                 /* like many servers: long enough for humans at telnet */
    cfg->http_timeout = 60;                  /* libevent's default is 50; a round minute */
    cfg->max_line = 64 * 1024;               /* the protocol's promise: a request line is at most 64 KiB */
    cfg->max_headers = 64 * 1024;            /* a long question percent-encoded is ~9 bytes a character */
    cfg->max_body = 64 * 1024;               /* the API is GET-only; a body is never needed */
    cfg->request_timeout = 30;               /* slowloris: a byte a second must not hold a connection */
    cfg->max_connections = 10000;            /* far above use; lowered to fit the descriptor limit */
    cfg->max_http_connections = 10000;       /* the same for HTTP (an idle keep-alive holds one) */
    cfg->max_output = 16u << 20;             /* Redis's client-output-buffer-limit; a client that
                                              * pipelines and never reads held 80 MB before */
    cfg->max_pipeline = 128;                 /* bounds memory per client; beyond it TCP pushes back */
    cfg->max_queue = 10000;                  /* ~seconds of work; beyond it 503 beats unbounded latency */
    cfg->shutdown_timeout = 10;              /* searches take milliseconds; 10 s is generous */
    {
        sou_shard_options so;                /* the searcher's defaults, each explained there */
        sou_shard_options_init(&so);
        cfg->shard_timeout = (int)so.timeout_ms;
        cfg->shard_connect_timeout = (int)so.connect_timeout_ms;
        cfg->shard_retry = (int)so.retry_ms;
        cfg->shard_refresh = (int)so.refresh_ms;
    }
}

void sou_config_destroy(sou_config *cfg)
{
    free(cfg->db);
    free(cfg->http);
    free(cfg->line);
    free(cfg->config);
    free(cfg->log_file);
    free(cfg->access_log);
    memset(cfg, 0, sizeof *cfg);
}

static const opt_spec *find_option(const char *key, size_t len)
{
    char name[64];

    if (len >= sizeof name)
        return NULL;
    for (size_t i = 0; i < len; i++)
        name[i] = key[i] == '-' ? '_' : key[i];
    name[len] = '\0';
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strcmp(options[i].name, name) == 0)
            return &options[i];
    return NULL;
}

/* Fill err with a printf-style message; returns -1. */
static int config_error(sou_config_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int config_error(sou_config_error *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int set_option(sou_config *cfg, const opt_spec *o, const char *value, sou_config_error *err)
{
    char *field = (char *)cfg + o->offset;

    switch (o->type) {
    case OPT_STRING: {
        char *copy = strdup(value);
        if (!copy) {
            config_error(err, "%s: out of memory", o->name);
            return -1;
        }
        free(*(char **)field);
        *(char **)field = copy;
        return 0;
    }
    case OPT_LEVEL: {
        int level = sou_log_level_parse(value);
        if (level < 0) {
            config_error(err, "%s: \"%.40s\" is not debug, info, warn or error", o->name,
                          value);
            return -1;
        }
        *(int *)field = level;
        return 0;
    }
    case OPT_INT:
    case OPT_SIZE: {
        char *end;
        long long n;
        long long unit = 1;
        errno = 0;
        n = strtoll(value, &end, 10);
        /* Accept K/M suffixes for sizes: "64K", "1M". */
        if (o->type == OPT_SIZE && end != value && (*end == 'K' || *end == 'k'))
            unit = 1024, end++;
        else if (o->type == OPT_SIZE && end != value && (*end == 'M' || *end == 'm'))
            unit = 1024 * 1024, end++;
        /* The range is checked before multiplying: 9000000000000000000M overflowed. */
        if (end == value || *end != '\0' || errno == ERANGE || n < 0 || n > o->max / unit ||
            n * unit < o->min) {
            config_error(err, "%s: \"%.40s\" is not a number in %lld..%lld", o->name, value,
                          o->min, o->max);
            return -1;
        }
        n *= unit;
        if (o->type == OPT_INT)
            *(int *)field = (int)n;
        else
            *(size_t *)field = (size_t)n;
        return 0;
    }
    }
    return -1;
}

int sou_config_set(sou_config *cfg, const char *key, const char *value, sou_config_error *err)
{
    const opt_spec *o = find_option(key, strlen(key));

    if (!o) {
        config_error(err, "unknown setting \"%.60s\"", key);
        return -1;
    }
    return set_option(cfg, o, value, err);
}

static char *trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

int sou_config_load_file(sou_config *cfg, const char *path, sou_config_error *err)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    int rc = -1;
    sou_config_error e;

    if (!f) {
        config_error(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    while ((n = getline(&buf, &cap, f)) >= 0) {
        char *line, *eq, *key, *value;
        lineno++;
        if (memchr(buf, '\0', (size_t)n)) {
            config_error(err, "%s:%u: NUL byte in line", path, lineno);
            goto done;
        }
        line = trim(buf);
        if (*line == '\0' || *line == '#')
            continue;
        eq = strchr(line, '=');
        if (!eq) {
            config_error(err, "%s:%u: expected `key = value`", path, lineno);
            goto done;
        }
        *eq = '\0';
        key = trim(line);
        value = trim(eq + 1);
        if (strcmp(key, "config") == 0) {
            config_error(err, "%s:%u: \"config\" cannot be set in a config file", path,
                          lineno);
            goto done;
        }
        if (sou_config_set(cfg, key, value, &e) < 0) {
            config_error(err, "%s:%u: %s", path, lineno, e.message);
            goto done;
        }
    }
    if (ferror(f)) {
        config_error(err, "%s:%u: read error: %s", path, lineno + 1, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    free(buf);
    fclose(f);
    return rc;
}

/* Split argv[*i] into an option and its value; returns the spec or NULL
 * (err filled).  *value points into argv. */
static const opt_spec *flag_at(int argc, char **argv, int *i, const char **value, sou_config_error *err)
{
    const char *arg = argv[*i];
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const opt_spec *o;

    if (strncmp(arg, "--", 2) != 0 || len == 0) {
        config_error(err, "unexpected argument \"%.60s\" (options are --name value)", arg);
        return NULL;
    }
    o = find_option(name, len);
    if (!o) {
        config_error(err, "unknown option \"%.60s\" (see --help)", arg);
        return NULL;
    }
    if (eq) {
        *value = eq + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        config_error(err, "option --%s needs a value (%s)", name, o->arg);
        return NULL;
    }
    return o;
}

int sou_config_parse_args(sou_config *cfg, int argc, char **argv, sou_config_error *err)
{
    const char *value;
    const opt_spec *o;
    sou_config_error e;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
        if (strcmp(argv[i], "--version") == 0)
            return 2;
    }
    /* Pass 1: the config file, so that pass 2's flags override it. */
    for (int i = 1; i < argc; i++) {
        if (!(o = flag_at(argc, argv, &i, &value, err)))
            return -1;
        if (strcmp(o->name, "config") == 0) {
            if (set_option(cfg, o, value, err) < 0 || sou_config_load_file(cfg, value, err) < 0)
                return -1;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (!(o = flag_at(argc, argv, &i, &value, err)))
            return -1;
        if (strcmp(o->name, "config") != 0 && set_option(cfg, o, value, &e) < 0) {
            config_error(err, "--%s", e.message);
            return -1;
        }
    }
    if (!cfg->db || !*cfg->db) {
        config_error(err, "--db DIR is required (the index directory)");
        return -1;
    }
    return 0;
}

/* The value of o in cfg as text, for the usage. */
static void format_value(const sou_config *cfg, const opt_spec *o, char *buf, size_t size)
{
    const char *field = (const char *)cfg + o->offset;
    static const char *const levels[] = {"debug", "info", "warn", "error"};

    switch (o->type) {
    case OPT_STRING:
        snprintf(buf, size, "%s", *(char *const *)field ? *(char *const *)field : "");
        break;
    case OPT_INT:
        snprintf(buf, size, "%d", *(const int *)field);
        break;
    case OPT_SIZE:
        snprintf(buf, size, "%zu", *(const size_t *)field);
        break;
    case OPT_LEVEL:
        snprintf(buf, size, "%s", levels[*(const int *)field & 3]);
        break;
    }
}

void sou_config_usage(FILE *out, const char *program)
{
    sou_config defaults;

    fprintf(out, "Usage: %s --db DIR [--http 127.0.0.1:8080] [--line 127.0.0.1:7700] [--threads N] "
                 "[--config FILE] [options]\n"
                 "Serve searches over the sou index DIR: the search page and a JSON API over HTTP,\n"
                 "and a line protocol over TCP.  Each option is also a `key = value` line of the\n"
                 "config file (flags win); defaults are in brackets.\n"
                 "\n"
                 "Options:\n",
            program);
    sou_config_defaults(&defaults);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char flag[64], value[128];
        snprintf(flag, sizeof flag, "--%s %s", options[i].name, options[i].arg);
        for (char *p = flag + 2; *p && *p != ' '; p++)
            if (*p == '_')
                *p = '-';
        format_value(&defaults, &options[i], value, sizeof value);
        /* The thread count depends on the machine: its help says how, and a
         * number here would end up in the man page made from this text. */
        if (strcmp(options[i].name, "threads") == 0)
            value[0] = '\0';
        fprintf(out, "  %-28s %s%s%s%s\n", flag, options[i].help, *value ? " [" : "", value, *value ? "]" : "");
    }
    fprintf(out, "  %-28s %s\n  %-28s %s\n", "--help", "this text", "--version", "the version of sou");
    sou_config_destroy(&defaults);
}
