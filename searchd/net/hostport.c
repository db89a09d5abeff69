/* hostport.c: see hostport.h. */
#include "hostport.h"

#include <stdlib.h>
#include <string.h>

int sou_hostport_split(const char *text, char *host, size_t hsize, unsigned *port)
{
    const char *colon, *digits;
    char *end;
    unsigned long n;

    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':' || (size_t)(close - text - 1) >= hsize)
            return -1;
        memcpy(host, text + 1, (size_t)(close - text - 1));
        host[close - text - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(text, ':');
        if (!colon || (size_t)(colon - text) >= hsize)
            return -1;
        memcpy(host, text, (size_t)(colon - text));
        host[colon - text] = '\0';
    }
    digits = colon + 1;
    if (*digits < '0' || *digits > '9') /* strtoul would take "+1", " 1" */
        return -1;
    n = strtoul(digits, &end, 10);
    if (*end || n > 65535)
        return -1;
    *port = (unsigned)n;
    return 0;
}
