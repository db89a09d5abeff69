/*
 * sou_testcluster.h: Xapian's own servers for the cluster tests: real
 * xapian-tcpsrv and xapian-replicate-server processes (Debian's xapian-tools)
 * on free 127.0.0.1 ports, each in its own process group so that stopping
 * one also stops the children it forked for its connections.
 *
 * A server started here dies with the process that started it
 * (PR_SET_PDEATHSIG); still call sou_xapsrv_stop in teardown.
 */
#ifndef SOU_TESTCLUSTER_H
#define SOU_TESTCLUSTER_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;      /* 0 when not running; also its process group */
    int port;
    char addr[32];  /* "127.0.0.1:PORT" */
} sou_xapsrv;

/* A port that was free a moment ago on 127.0.0.1 (0 if none). */
int sou_test_free_port(void);

/* 1 once something accepts connections on 127.0.0.1:port, waiting at most
 * timeout_ms; 0 otherwise. */
int sou_test_wait_port(int port, int timeout_ms);

/* xapian-tcpsrv [--writable] on db.  port 0 picks a free one (retrying if
 * another process takes it first); otherwise that port (a restart).
 * Returns 0 once it accepts connections, or -1 with errbuf. */
int sou_tcpsrv_start(sou_xapsrv *s, const char *db, int writable, int port, char *errbuf, size_t errlen);

/* xapian-replicate-server serving the databases in dir. */
int sou_replsrv_start(sou_xapsrv *s, const char *dir, char *errbuf, size_t errlen);

/* SIGKILL the server's whole process group and reap it. */
void sou_xapsrv_stop(sou_xapsrv *s);

/* SIGSTOP (stop = 1) or SIGCONT the whole group: a server that hangs. */
int sou_xapsrv_pause(sou_xapsrv *s, int stop);

#endif /* SOU_TESTCLUSTER_H */
