/*
 * hostport.h: the "HOST:PORT" addresses of searchd's listeners (--http,
 * --line) and of the sou client (--server), parsed one way for both.
 *
 * Forms: "127.0.0.1:8080", "localhost:7700", "[::1]:7700", ":7700" (empty
 * host); the port is decimal, 0..65535.  What the host may be is the
 * caller's business (searchd wants a numeric address, the client resolves
 * names).
 */
#ifndef SOU_HOSTPORT_H
#define SOU_HOSTPORT_H

#include <stddef.h>

/* Split text into host (without IPv6 brackets; "" when empty) and port.
 * Returns 0, or -1 when text is not HOST:PORT or host does not fit in
 * hsize bytes. */
int sou_hostport_split(const char *text, char *host, size_t hsize, unsigned *port);

#endif /* SOU_HOSTPORT_H */
