/* sou_testcluster.c: see sou_testcluster.h. */
#include "sou_testcluster.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int sou_test_free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

    if (fd < 0)
        return 0;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int can_connect(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

    if (fd < 0)
        return 0;
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

int sou_test_wait_port(int port, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 20) {
        if (can_connect(port))
            return 1;
        usleep(20000);
    }
    return 0;
}

/* Start argv (found in PATH) in its own process group; 0 or -1. */
static int spawn(sou_xapsrv *s, const char *const argv[], char *errbuf, size_t errlen)
{
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0) {
        snprintf(errbuf, errlen, "fork: %s", strerror(errno));
        s->pid = 0;
        return -1;
    }
    if (s->pid == 0) {
        int null = open("/dev/null", O_RDWR);
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2); /* "Got exception ..." for every connection a test breaks */
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    setpgid(s->pid, s->pid); /* also here: no race with the kill below */
    return 0;
}

/* Wait until the server listens, or it exited (port taken, bad database). */
static int wait_ready(sou_xapsrv *s, char *errbuf, size_t errlen)
{
    for (int waited = 0; waited < 10000; waited += 20) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            snprintf(errbuf, errlen, "%s exited with status %d%s", s->addr, code,
                     code == 127 ? ": not installed? (Debian package xapian-tools; scripts/test.sh installs it)"
                                 : "");
            s->pid = 0;
            return -1;
        }
        if (can_connect(s->port))
            return 0;
        usleep(20000);
    }
    snprintf(errbuf, errlen, "%s: not listening after 10 s", s->addr);
    sou_xapsrv_stop(s);
    return -1;
}

int sou_tcpsrv_start(sou_xapsrv *s, const char *db, int writable, int port, char *errbuf, size_t errlen)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char ports[16];
        memset(s, 0, sizeof *s);
        s->port = port ? port : sou_test_free_port();
        snprintf(ports, sizeof ports, "%d", s->port);
        snprintf(s->addr, sizeof s->addr, "127.0.0.1:%d", s->port);
        /* Timeouts well above any test's pauses: a server's own idle
         * timeout must not be what a test observes. */
        const char *argv[] = {"xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", ports,
                              "--timeout",     "600000",  writable ? "--writable" : db, writable ? db : NULL,
                              NULL};
        if (spawn(s, argv, errbuf, errlen) < 0)
            return -1;
        if (wait_ready(s, errbuf, errlen) == 0)
            return 0;
        if (port)
            usleep(200000); /* a restart on the same port: the old one may linger briefly */
    }
    return -1;
}

int sou_replsrv_start(sou_xapsrv *s, const char *dir, char *errbuf, size_t errlen)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char ports[16];
        memset(s, 0, sizeof *s);
        s->port = sou_test_free_port();
        snprintf(ports, sizeof ports, "%d", s->port);
        snprintf(s->addr, sizeof s->addr, "127.0.0.1:%d", s->port);
        const char *argv[] = {"xapian-replicate-server", "-I", "127.0.0.1", "-p", ports, dir, NULL};
        if (spawn(s, argv, errbuf, errlen) < 0)
            return -1;
        if (wait_ready(s, errbuf, errlen) == 0)
            return 0;
    }
    return -1;
}

void sou_xapsrv_stop(sou_xapsrv *s)
{
    if (!s || s->pid <= 0)
        return;
    /* The group: the server and the children it forked for connections
     * (those hold no socket once killed, zombie or not). */
    kill(-s->pid, SIGKILL);
    kill(-s->pid, SIGCONT);
    while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    s->pid = 0;
}

int sou_xapsrv_pause(sou_xapsrv *s, int stop)
{
    return s->pid > 0 ? kill(-s->pid, stop ? SIGSTOP : SIGCONT) : -1;
}
