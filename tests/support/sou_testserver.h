/*
 * sou_testserver.h: helpers for tests that need a running searchd or
 * another sou program: temporary directories, building an index with the
 * real indexer, starting searchd on free 127.0.0.1 ports and always
 * stopping it, and tiny HTTP and line-protocol clients.
 *
 * Programs are found in $SOU_BIN_DIR and sources in $SOU_SOURCE_DIR (ctest
 * sets both).  A searchd started here dies with the process that started it
 * (PR_SET_PDEATHSIG), so a test that fails half-way leaves nothing behind;
 * still call sou_testserver_stop in teardown.
 *
 * Plain C with libc and jansson only: every test executable links it.
 */
#ifndef SOU_TESTSERVER_H
#define SOU_TESTSERVER_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

/* $SOU_BIN_DIR / $SOU_SOURCE_DIR (falling back to "build/bin" and "."). */
const char *sou_test_bin_dir(void);
const char *sou_test_source_dir(void);

/* The whole file at path, NUL-terminated, its length in *len (may be NULL);
 * caller frees.  NULL when it cannot be read. */
char *sou_test_read_file(const char *path, size_t *len);

/* A new empty directory under $TMPDIR (or /tmp); caller frees the string. */
char *sou_test_tmpdir(const char *tag);
/* rm -rf path (for directories made by sou_test_tmpdir). */
void sou_test_rmtree(const char *path);

/* Run argv[0] (a path) with the given arguments; wait for it.  When out or
 * err is not NULL, that stream is captured into a new string (caller
 * frees).  Returns the exit status, 128+signal, or -1 if it could not run. */
int sou_test_run(const char *const argv[], char **out, char **err);

/* Start argv[0] (a path) with the given arguments and return at once: its
 * pid (it dies with the test, see above), or -1.  Its output goes to
 * /dev/null.  When stdin_fd is not NULL its standard input is a pipe whose
 * write end is stored there (close it to end the input); else /dev/null. */
pid_t sou_test_spawn(const char *const argv[], int *stdin_fd);

/* Wait for a spawned pid: its exit status as sou_test_run reports it. */
int sou_test_wait(pid_t pid);

/* Write articles [first, first + n) as JSONL to f: ids "gen-00042", Chinese
 * titles and bodies of 300-700 characters (one passage each) made from a
 * fixed list of sentences, the same for the same arguments; every body also
 * holds the words "doc<i>" and "rev<revision>", so a test can find one
 * article and tell which revision of it is indexed.  Returns 0 or -1. */
int sou_test_write_articles(FILE *f, unsigned first, unsigned n, unsigned revision);

/* A value of /proc/PID/status in kB ("VmRSS", "VmHWM"), -1 if unknown. */
long sou_test_proc_kb(pid_t pid, const char *field);

/* CPU seconds (user + system) pid used so far, -1 if unknown. */
double sou_test_proc_cpu_s(pid_t pid);

/* Run $SOU_BIN_DIR/indexer --db db inputs... quietly; returns its status. */
int sou_test_index(const char *db, const char *const inputs[]);

/* For a whole test run: a new directory (see sou_test_tmpdir) holding
 * corpus.db, an index of $SOU_SOURCE_DIR/corpus built with sou_test_index;
 * the db's path goes into db (cap bytes).  Returns the directory (caller
 * removes it with sou_test_rmtree and frees it), or NULL with the reason on
 * stderr and nothing left behind. */
char *sou_test_corpus_index(const char *tag, char *db, size_t cap);

typedef struct {
    pid_t pid;      /* 0 when not running */
    int http_port;  /* 0 when off */
    int line_port;
    char http[64];  /* "127.0.0.1:PORT" */
    char line[64];
} sou_testserver;

/* Start $SOU_BIN_DIR/searchd --db db --http 127.0.0.1:0 --line 127.0.0.1:0
 * --log-level warn, plus extra_args (NULL-terminated, may be NULL), and wait
 * (at most 10 s) for its "searchd: http ... line ..." line.  Returns 0, or
 * -1 with a reason in errbuf. */
int sou_testserver_start(sou_testserver *ts, const char *db, const char *const extra_args[], char *errbuf,
                         size_t errlen);

/* SIGTERM, wait up to 10 s, then SIGKILL.  Returns the exit status (0 for a
 * clean exit), 128+signal if killed, -1 if it was not running. */
int sou_testserver_stop(sou_testserver *ts);

/* Send a signal (SIGHUP ...); returns kill()'s result. */
int sou_testserver_signal(sou_testserver *ts, int sig);

/* Connect to 127.0.0.1:port with 10 s send/receive timeouts; fd or -1. */
int sou_test_connect(int port);

/* Write all of buf; 0 or -1. */
int sou_test_send(int fd, const void *buf, size_t len);

/* A buffered reader for answers that arrive line by line. */
typedef struct {
    int fd;
    char *buf;
    size_t len, cap;
} sou_testconn;

/* Connect (see sou_test_connect); 0 or -1. */
int sou_testconn_open(sou_testconn *c, int port);
void sou_testconn_close(sou_testconn *c);
/* Send text (add the newline yourself). 0 or -1. */
int sou_testconn_send(sou_testconn *c, const char *text);
/* The next line without its newline (caller frees), NULL on EOF/timeout. */
char *sou_testconn_readline(sou_testconn *c);
/* The next line parsed as JSON (new reference), NULL if none or not JSON. */
json_t *sou_testconn_readjson(sou_testconn *c);
/* One request, one JSON answer. */
json_t *sou_testconn_call(sou_testconn *c, const char *request_line);

/* A raw HTTP/1.0 request ("GET", "/search?q=..") with optional extra
 * header lines ("X: y\r\n"); fills *status and *body (caller frees; may be
 * NULL) and *headers (may be NULL).  Returns 0, or -1 on connection
 * failure. */
int sou_test_http(int port, const char *method, const char *target, const char *extra_headers, int *status,
                  char **headers, char **body);

/* GET target and parse the body as JSON (new reference, NULL if not JSON). */
json_t *sou_test_http_json(int port, const char *target, int *status);

/* Percent-encode s for a query string; caller frees. */
char *sou_test_urlencode(const char *s);

#endif /* SOU_TESTSERVER_H */
