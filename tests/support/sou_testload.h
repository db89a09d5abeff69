/*
 * sou_testload.h: clients that search a running searchd without pause, for
 * tests (and bench/stress) that must show no request fails while something
 * else happens: an indexer committing, a re-index, a flood of connections.
 *
 * Each client is a thread with its own connection (line protocol, or HTTP
 * for every other client when an HTTP port is given) asking the queries in
 * turn, one at a time, each with the given extra options.  A failure is an
 * error answer (any code, 503 included), an HTTP status other than 200, or
 * a connection that breaks or times out (10 s); the first one is kept with
 * its message.  Counts can be read at any time, so a test can tell how many
 * answers came while its indexer ran.
 */
#ifndef SOU_TESTLOAD_H
#define SOU_TESTLOAD_H

#include <stddef.h>

typedef struct sou_testload sou_testload;

typedef struct {
    unsigned long answers;  /* requests answered without error */
    unsigned long failures; /* requests that failed (see above) */
    double max_ms;          /* the slowest request, wall clock */
    double max_took_ms;     /* the slowest as searchd measured it ("took_ms") */
    char first_failure[300]; /* what the first failure was, or "" */
} sou_testload_counts;

/* Start clients threads against 127.0.0.1: line_port (and http_port, when
 * > 0, for every other client), cycling through queries[0..nq) (plain query
 * text) with extra (a JSON object text such as "{\"limit\":20}", or NULL)
 * merged into each request.  Returns the load, or NULL. */
sou_testload *sou_testload_start(int line_port, int http_port, unsigned clients, const char *const *queries,
                                 size_t nq, const char *extra);

/* The counts so far, over all clients. */
void sou_testload_read(sou_testload *l, sou_testload_counts *out);

/* Stop the clients (each finishes its request), join them, free l; the
 * final counts into out (may be NULL). */
void sou_testload_stop(sou_testload *l, sou_testload_counts *out);

#endif /* SOU_TESTLOAD_H */
