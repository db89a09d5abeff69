/* delayproxy: a TCP relay that makes a server's answers arrive late, for
 * bench/cluster on machines whose kernel has no tc netem (this one: "tc qdisc
 * add ... netem" answers "Specified qdisc kind is unknown").
 *
 *   delayproxy LISTEN_PORT TARGET_HOST:TARGET_PORT DELAY_MS
 *
 * Listens on 127.0.0.1:LISTEN_PORT (0: any free port), prints
 * "delayproxy: 127.0.0.1:PORT" once it listens, and relays every connection
 * to the target: bytes from the client go through at once, bytes from the
 * server are held DELAY_MS (from when they arrived) before they go on, in
 * order.  So every request-answer round trip costs DELAY_MS more, as netem
 * on the server's interface would make it (no jitter, no loss, no bandwidth
 * limit).  Two threads a connection; for a benchmark's few connections.
 *
 * On SIGUSR1 it prints "turns N": the round trips relayed so far, counted
 * as answers from the server that follow bytes from the client (a greeting
 * the server sends unasked is not one), so a benchmark can count how many
 * round trips each query makes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char g_host[256], g_port[16];
static double g_delay_s;
static atomic_ulong g_turns;

typedef struct chunk {
    struct chunk *next;
    double due;
    size_t len;
    char data[];
} chunk;

typedef struct {
    int client, server;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    chunk *head, *tail;
    int server_done; /* the server closed: send what is queued, then close */
    atomic_int asked; /* the client sent something the server has not answered yet */
} relay;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Client to server, at once. */
static void *upstream(void *arg)
{
    relay *r = arg;
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(r->client, buf, sizeof buf)) > 0) {
        atomic_store(&r->asked, 1);
        if (write_all(r->server, buf, (size_t)n) < 0)
            break;
    }
    shutdown(r->server, SHUT_WR);
    return NULL;
}

/* Server to the queue, stamped. */
static void *downstream_reader(void *arg)
{
    relay *r = arg;
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(r->server, buf, sizeof buf)) > 0) {
        if (atomic_exchange(&r->asked, 0))
            atomic_fetch_add(&g_turns, 1);
        chunk *c = malloc(sizeof *c + (size_t)n);
        if (!c)
            break;
        c->next = NULL;
        c->due = now_s() + g_delay_s;
        c->len = (size_t)n;
        memcpy(c->data, buf, (size_t)n);
        pthread_mutex_lock(&r->mu);
        if (r->tail)
            r->tail->next = c;
        else
            r->head = c;
        r->tail = c;
        pthread_cond_signal(&r->cond);
        pthread_mutex_unlock(&r->mu);
    }
    pthread_mutex_lock(&r->mu);
    r->server_done = 1;
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* The queue to the client, each chunk when it is due. */
static void *connection(void *arg)
{
    relay *r = arg;
    pthread_t up, down;
    pthread_create(&up, NULL, upstream, r);
    pthread_create(&down, NULL, downstream_reader, r);
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->head && !r->server_done)
            pthread_cond_wait(&r->cond, &r->mu);
        if (!r->head)
            break;
        chunk *c = r->head;
        pthread_mutex_unlock(&r->mu);
        double wait = c->due - now_s();
        if (wait > 0) {
            struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&ts, NULL);
        }
        int bad = write_all(r->client, c->data, c->len) < 0;
        pthread_mutex_lock(&r->mu);
        r->head = c->next;
        if (!r->head)
            r->tail = NULL;
        free(c);
        if (bad)
            break;
    }
    pthread_mutex_unlock(&r->mu);
    shutdown(r->client, SHUT_RDWR);
    shutdown(r->server, SHUT_RDWR);
    pthread_join(up, NULL);
    pthread_join(down, NULL);
    while (r->head) {
        chunk *c = r->head;
        r->head = c->next;
        free(c);
    }
    close(r->client);
    close(r->server);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cond);
    free(r);
    return NULL;
}

/* SIGUSR1: print the count (from a thread of its own, not a handler). */
static void *reporter(void *arg)
{
    sigset_t *set = arg;
    int sig;
    while (sigwait(set, &sig) == 0) {
        printf("turns %lu\n", (unsigned long)atomic_load(&g_turns));
        fflush(stdout);
    }
    return NULL;
}

static int connect_target(void)
{
    struct addrinfo hints = {0}, *res = NULL;
    int fd, one = 1;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(g_host, g_port, &hints, &res) != 0)
        return -1;
    fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int lfd, one = 1;
    const char *colon;

    if (argc != 4 || !(colon = strrchr(argv[2], ':')) || (size_t)(colon - argv[2]) >= sizeof g_host) {
        fprintf(stderr, "usage: delayproxy LISTEN_PORT TARGET_HOST:TARGET_PORT DELAY_MS\n");
        return 2;
    }
    memcpy(g_host, argv[2], (size_t)(colon - argv[2]));
    snprintf(g_port, sizeof g_port, "%s", colon + 1);
    g_delay_s = atof(argv[3]) / 1000.0;
    signal(SIGPIPE, SIG_IGN);
    static sigset_t usr1;
    pthread_t rep;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* every thread: only the reporter takes it */
    pthread_create(&rep, NULL, reporter, &usr1);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 128) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &len) < 0) {
        fprintf(stderr, "delayproxy: cannot listen on port %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    printf("delayproxy: 127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        int s = connect_target();
        if (s < 0) {
            close(c); /* the target is down: so is the relay, as a down server would be */
            continue;
        }
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        relay *r = calloc(1, sizeof *r);
        pthread_t t;
        if (!r) {
            close(c);
            close(s);
            continue;
        }
        r->client = c;
        r->server = s;
        pthread_mutex_init(&r->mu, NULL);
        pthread_cond_init(&r->cond, NULL);
        if (pthread_create(&t, NULL, connection, r) != 0) {
            close(c);
            close(s);
            free(r);
            continue;
        }
        pthread_detach(t);
    }
}
