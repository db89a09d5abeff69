/*
 * fuzz_line.c: the line protocol's request parser (sou_line_parse,
 * searchd/server.h), which sees every byte a line client sends.
 *
 * Promises checked: a request parses into a known command, with an options
 * object exactly for SEARCH, SUGGEST and GET (GET's has a string "id"), or fails
 * with a 400 whose location is valid text; parsing is a pure function (the
 * same answer twice).
 */
#include "fuzz.h"
#include "fuzz_check_error.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sou_line_request req, again;
    sou_error err = {0}, err2 = {0};
    int rc = sou_line_parse((const char *)data, size, &req, &err);
    int rc2 = sou_line_parse((const char *)data, size, &again, &err2);

    FUZZ_CHECK(rc == rc2);
    if (rc < 0) {
        fuzz_check_error(&err);
        FUZZ_CHECK(err.code == SOU_EBADREQUEST);
        FUZZ_CHECK(req.options == NULL);
        FUZZ_CHECK(strcmp(err.message, err2.message) == 0);
        return 0;
    }
    FUZZ_CHECK(rc == 0 && req.cmd == again.cmd);
    switch (req.cmd) {
    case SOU_CMD_SEARCH:
    case SOU_CMD_SUGGEST:
        FUZZ_CHECK(json_is_object(req.options));
        break;
    case SOU_CMD_GET:
        FUZZ_CHECK(json_is_object(req.options));
        FUZZ_CHECK(json_is_string(json_object_get(req.options, "id")));
        break;
    case SOU_CMD_PING:
    case SOU_CMD_STATS:
    case SOU_CMD_FIELDS:
    case SOU_CMD_QUIT:
        FUZZ_CHECK(req.options == NULL);
        break;
    default:
        FUZZ_CHECK(!"unknown command");
    }
    FUZZ_CHECK(json_equal(req.options, again.options) || (!req.options && !again.options));
    json_decref(req.options);
    json_decref(again.options);
    return 0;
}
