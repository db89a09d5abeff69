/* searchd: the sou search daemon.  Everything is in sou_server (server.h);
 * this parses the command line, sets up the process, prints where it
 * listens and runs. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/thread.h>
#include <jansson.h>

#include "config.h"
#include "log.h"
#include "server.h"

/* What belongs to the whole process, before any thread or event loop. */
static int setup_process(void)
{
    struct rlimit rl;

    /* Worker threads wake the event loop with event_active(). */
    if (evthread_use_pthreads() < 0) {
        fprintf(stderr, "searchd: libevent has no pthreads support\n");
        return -1;
    }
    sou_log_route_libevent();
    json_object_seed(0);      /* seed jansson's hash once, before threads race to do it */
    signal(SIGPIPE, SIG_IGN); /* a client that left is an error return, not a death */
    /* Raise the soft limit on open files to the hard limit: hundreds of idle
     * connections are part of the job. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    return 0;
}

int main(int argc, char **argv)
{
    sou_config cfg;
    sou_config_error cerr = {""};
    sou_error err = {0};
    sou_server *server = NULL;
    char where[200];
    int rc, status = 1;

    sou_config_defaults(&cfg);
    rc = sou_config_parse_args(&cfg, argc, argv, &cerr);
    if (rc == 1) {
        sou_config_usage(stdout, "searchd");
        status = 0;
        goto done;
    }
    if (rc == 2) {
        printf("searchd (sou) %s\n", SOU_VERSION);
        status = 0;
        goto done;
    }
    if (rc < 0) {
        fprintf(stderr, "searchd: %s\n", cerr.message);
        status = 2;
        goto done;
    }
    sou_log_threshold = cfg.log_level;
    if (sou_log_open(cfg.log_file) < 0) {
        fprintf(stderr, "searchd: --log-file %s: cannot open: %m\n", cfg.log_file);
        status = 2;
        goto done;
    }
    if (setup_process() < 0)
        goto done;
    if (!(server = sou_server_new(&cfg, &err))) {
        fprintf(stderr, "searchd: %s\n", err.message);
        goto done;
    }
    sou_server_describe(server, where, sizeof where);
    /* One parseable line on stdout: scripts and tests read the ports from it. */
    printf("searchd: %s\n", where);
    fflush(stdout);
    SOU_INFO("listening: %s; index %s; %d worker threads", where, cfg.db, cfg.threads);
    status = sou_server_run(server);
    if (status == 1) {
        /* shutdown_timeout passed with searches still running: joining the
         * workers would wait for them (24 s seen with a 3 s timeout), so
         * leave now; the index is only read, nothing is lost. */
        SOU_WARN("stopped without waiting for the running searches (shutdown_timeout)");
        fflush(NULL);
        _exit(1);
    }
    SOU_INFO("stopped");
done:
    sou_server_free(server);
    sou_config_destroy(&cfg);
    return status;
}
