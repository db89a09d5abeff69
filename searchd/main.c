/* searchd: the sou search daemon.  Everything is in sou_server (server.h);
 * this parses the command line, prints where it listens and runs. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "server.h"

int main(int argc, char **argv)
{
    sou_config cfg;
    sou_error err = {SOU_OK, ""};
    sou_server *server = NULL;
    char where[200];
    int rc, status = 1;

    sou_config_defaults(&cfg);
    rc = sou_config_parse_args(&cfg, argc, argv, &err);
    if (rc == 1) {
        sou_config_usage(stdout, "searchd");
        status = 0;
        goto done;
    }
    if (rc < 0) {
        fprintf(stderr, "searchd: %s\n", err.message);
        status = 2;
        goto done;
    }
    sou_log_threshold = cfg.log_level;
    if (sou_log_open(cfg.log_file) < 0) {
        fprintf(stderr, "searchd: --log-file %s: cannot open: %m\n", cfg.log_file);
        status = 2;
        goto done;
    }
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
