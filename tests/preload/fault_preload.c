/*
 * fault_preload.c: file-system faults for an indexer run under LD_PRELOAD
 * (tests/preload/CMakeLists.txt says why).
 *   renameat2                  always fails with EINVAL (no RENAME_EXCHANGE)
 *   $SOU_FAULT_RENAME_FAIL=P   the first rename() onto P fails with EIO
 *   $SOU_FAULT_RENAME_KILL=P   the process is killed (SIGKILL) instead of
 *                              the first rename() onto P: a crash between
 *                              two renames
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    errno = EINVAL;
    return -1;
}

int rename(const char *oldpath, const char *newpath)
{
    static int failed;
    int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    const char *fail = getenv("SOU_FAULT_RENAME_FAIL"), *kill_at = getenv("SOU_FAULT_RENAME_KILL");

    if (kill_at && strcmp(newpath, kill_at) == 0)
        raise(SIGKILL);
    if (fail && !failed && strcmp(newpath, fail) == 0) {
        failed = 1;
        errno = EIO;
        return -1;
    }
    return real ? real(oldpath, newpath) : -1;
}
