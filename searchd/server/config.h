/*
 * config.h: searchd's settings.
 *
 * One struct, one function that sets every default (each with a comment
 * saying why), a `key = value` file (`# comments`, blank lines; errors as
 * `file:line: message`) and command-line flags (`--key value` or
 * `--key=value`, '-' and '_' interchangeable) that override the file.
 * Every key of the file is also a flag, and the other way round.
 */
#ifndef SOU_CONFIG_H
#define SOU_CONFIG_H

#include <stddef.h>
#include <stdio.h>

/* Why a setting, a flag or a config file was refused, with where:
 * "searchd.conf:3: threads: \"many\" is not a number in 1..256". */
typedef struct {
    char message[320];
} sou_config_error;

typedef struct {
    char *db;             /* index directory (required); owned */
    char *http;           /* HTTP listen address HOST:PORT, "off" = none; owned */
    char *line;           /* line-protocol listen address HOST:PORT, "off" = none; owned */
    char *config;         /* the config file read, or NULL; owned */
    char *log_file;       /* log destination, NULL = stderr; owned */
    char *access_log;     /* one JSON line per request to this file, NULL = none; owned */
    int threads;          /* worker threads, each with its own index handle */
    int log_level;        /* sou_log_level */
    int idle_timeout;     /* seconds a line connection may sit idle */
    int http_timeout;     /* seconds for an HTTP request to arrive / keep-alive */
    size_t max_line;      /* longest request line, bytes, without the newline */
    size_t max_headers;   /* longest HTTP request line + headers, bytes */
    size_t max_body;      /* longest HTTP request body, bytes */
    int request_timeout;  /* seconds one request (a line, an HTTP head) may take to arrive whole */
    int max_connections;  /* open line connections at most */
    int max_http_connections; /* open HTTP connections at most */
    size_t max_output;    /* answer bytes waiting for a line client before it is closed */
    int max_pipeline;     /* unanswered requests per line connection before reading pauses */
    int max_queue;        /* jobs waiting for a worker before answering 503 */
    int shutdown_timeout; /* seconds SIGTERM waits for in-flight requests */
    int shard_timeout;    /* ms a remote shard may take to answer before it is left out */
    int shard_connect_timeout; /* ms to connect to a remote shard */
    int shard_retry;      /* ms before a shard that failed is tried again */
    int shard_refresh;    /* ms between fresh connections to a remote shard (new commits) */
} sou_config;

/* Set every field to its default (strings are strdup'ed). */
void sou_config_defaults(sou_config *cfg);

/* Free the strings; cfg can be set up again with sou_config_defaults. */
void sou_config_destroy(sou_config *cfg);

/* Set one key ("threads", "idle-timeout" ...) from text.  Returns 0, or -1
 * with err saying which key and why (no location: callers add it). */
int sou_config_set(sou_config *cfg, const char *key, const char *value, sou_config_error *err);

/* Read a `key = value` file.  Returns 0, or -1 with err = "path:line: message". */
int sou_config_load_file(sou_config *cfg, const char *path, sou_config_error *err);

/* Apply the command line: first the file named by --config (if any), then
 * every flag, so flags win.  Returns 0, 1 when --help was asked for, 2 for
 * --version, or -1
 * with err filled (unknown flag, missing value, bad value, bad file).
 * Finally checks that db is set. */
int sou_config_parse_args(sou_config *cfg, int argc, char **argv, sou_config_error *err);

/* Write the usage text (every flag, its default) to out. */
void sou_config_usage(FILE *out, const char *program);

#endif /* SOU_CONFIG_H */
