/*
 * log.h: searchd's log, one line per message on stderr (or a file).
 *
 * Each line is "2026-11-23T05:45:14.123Z searchd[pid] LEVEL message".  The
 * level check happens in the macro, before the arguments are evaluated, so
 * a debug message costs nothing when debugging is off.  Writing is
 * thread-safe (worker threads log too).  libevent's own warnings are routed
 * here by sou_log_route_libevent().  At most SOU_LOG_RATE lines a second are
 * written; the rest are counted and the count logged once the second is over.
 */
#ifndef SOU_LOG_H
#define SOU_LOG_H

typedef enum {
    SOU_LOG_DEBUG = 0,
    SOU_LOG_INFO = 1,
    SOU_LOG_WARN = 2,
    SOU_LOG_ERROR = 3,
} sou_log_level;

enum { SOU_LOG_RATE = 100 };

/* Messages below this level are dropped (default SOU_LOG_INFO). */
extern int sou_log_threshold;

#define SOU_LOG(level, ...)                                    \
    do {                                                       \
        if ((int)(level) >= sou_log_threshold)                 \
            sou_log_write((level), __VA_ARGS__);               \
    } while (0)
#define SOU_DEBUG(...) SOU_LOG(SOU_LOG_DEBUG, __VA_ARGS__)
#define SOU_INFO(...) SOU_LOG(SOU_LOG_INFO, __VA_ARGS__)
#define SOU_WARN(...) SOU_LOG(SOU_LOG_WARN, __VA_ARGS__)
#define SOU_ERROR(...) SOU_LOG(SOU_LOG_ERROR, __VA_ARGS__)

/* Write one line unconditionally (use the macros instead). */
void sou_log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "debug", "info", "warn" or "error" to its level; -1 for anything else. */
int sou_log_level_parse(const char *name);

/* Log to path (appending), or to stderr when path is NULL or "" or "-".
 * Called again (SIGHUP) it reopens the file, so rotated logs are let go.
 * Returns 0, or -1 with errno set (the previous destination stays). */
int sou_log_open(const char *path);

/* Send libevent's internal messages through sou_log_write. */
void sou_log_route_libevent(void);

#endif /* SOU_LOG_H */
