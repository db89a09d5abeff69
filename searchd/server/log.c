/* log.c: see log.h. */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

int sou_log_threshold = SOU_LOG_INFO;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file; /* NULL means stderr; owned when not NULL */

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void sou_log_write(int level, const char *fmt, ...)
{
    char msg[2048];
    char stamp[32];
    struct timeval tv;
    struct tm tm;
    va_list ap;

    if (level < SOU_LOG_DEBUG)
        level = SOU_LOG_DEBUG;
    if (level > SOU_LOG_ERROR)
        level = SOU_LOG_ERROR;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

    /* One fprintf under the lock: lines from worker threads never interleave.
     * At most SOU_LOG_RATE lines a second: a fault that repeats (accept()
     * failing, a flood of bad clients) must not fill the disk (it wrote
     * 229-415 MB in 10 s); what is dropped is counted and said. */
    static time_t window;
    static unsigned in_window, suppressed;
    pthread_mutex_lock(&log_lock);
    FILE *out = log_file ? log_file : stderr;
    if (tv.tv_sec != window) {
        if (suppressed)
            fprintf(out, "%s.%03dZ searchd[%d] WARN log: %u lines dropped in the last second(s) (at most %d "
                    "a second)\n", stamp, (int)(tv.tv_usec / 1000), (int)getpid(), suppressed, SOU_LOG_RATE);
        window = tv.tv_sec;
        in_window = suppressed = 0;
    }
    if (in_window++ < SOU_LOG_RATE) {
        fprintf(out, "%s.%03dZ searchd[%d] %s %s\n", stamp, (int)(tv.tv_usec / 1000), (int)getpid(),
                level_names[level], msg);
        fflush(out);
    } else {
        suppressed++;
    }
    pthread_mutex_unlock(&log_lock);
}

int sou_log_level_parse(const char *name)
{
    static const char *const lower[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, lower[i]) == 0)
            return i;
    if (strcmp(name, "warning") == 0)
        return SOU_LOG_WARN;
    return -1;
}

int sou_log_open(const char *path)
{
    FILE *f = NULL;

    if (path && *path && strcmp(path, "-") != 0) {
        f = fopen(path, "ae");
        if (!f)
            return -1;
    }
    pthread_mutex_lock(&log_lock);
    if (log_file)
        fclose(log_file);
    log_file = f;
    pthread_mutex_unlock(&log_lock);
    return 0;
}

static void libevent_log(int severity, const char *msg)
{
    int level = SOU_LOG_ERROR;
    switch (severity) {
    case EVENT_LOG_DEBUG: level = SOU_LOG_DEBUG; break;
    case EVENT_LOG_MSG: level = SOU_LOG_INFO; break;
    case EVENT_LOG_WARN: level = SOU_LOG_WARN; break;
    default: break;
    }
    SOU_LOG(level, "libevent: %s", msg);
}

void sou_log_route_libevent(void)
{
    event_set_log_callback(libevent_log);
}
