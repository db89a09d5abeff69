/*
 * db_error.h: a failure of the database (the shim's sx_error) as the
 * searcher's sou_error, the one mapping every search module uses.
 */
#ifndef SOU_DB_ERROR_H
#define SOU_DB_ERROR_H

#include "search.h"
#include "sou_xapian.h"

/* Sets err to "WHAT: the database's message" and returns its code: 503
 * (SOU_EUNAVAILABLE) when the index is missing, damaged, locked, moved on
 * under the search or a shard is unreachable or slow (trying again or
 * elsewhere may help), 500 (SOU_EINTERNAL) otherwise. */
sou_error_code sou_error_from_db(sou_error *err, const sx_error *xe, const char *what);

#endif /* SOU_DB_ERROR_H */
