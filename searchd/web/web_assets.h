/*
 * web_assets.h: the search page's static files, compiled into the binary.
 *
 * searchd serves the page at GET / from these bytes, so the program needs no
 * install path and works from any directory.  The files live in searchd/web/
 * (index.html, app.js, style.css); at build time web.cmake turns each into a
 * C array (library sou_web), so editing a file and rebuilding is enough.
 */
#ifndef SOU_WEB_ASSETS_H
#define SOU_WEB_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path;          /* URL path, e.g. "/app.js" */
    const char *content_type;  /* e.g. "text/javascript; charset=utf-8" */
    const unsigned char *data; /* the file's bytes, followed by one NUL not counted in len */
    size_t len;                /* bytes in data */
} sou_asset;

/* The asset served at path (the URL path without "?query" or "#fragment";
 * "/" is "/index.html"), or NULL when there is none.  The result points into
 * static storage: borrowed, never freed, safe to share between threads. */
const sou_asset *sou_asset_find(const char *path);

/* All assets, for listing: the count in *n (may be NULL).  Static storage. */
const sou_asset *sou_asset_list(size_t *n);

#endif /* SOU_WEB_ASSETS_H */
