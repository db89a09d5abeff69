#!/usr/bin/env bash
# The README's main command: install what is missing, build, index corpus/,
# start searchd on loopback and print the URL of the search page.
#   SOU_DB      index directory (default: build/corpus.db)
#   SOU_HTTP    HTTP address (default: 127.0.0.1:8080)
#   SOU_LINE    line-protocol address (default: 127.0.0.1:7700)
set -euo pipefail
SOU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$SOU_ROOT/scripts/setup.sh"
bin=$SOU_BUILD_DIR/bin
db=${SOU_DB:-$SOU_BUILD_DIR/corpus.db}
http=${SOU_HTTP:-127.0.0.1:8080}
line=${SOU_LINE:-127.0.0.1:7700}

"$bin/indexer" --db "$db" "$SOU_ROOT/corpus"
if [ ! -x "$bin/searchd" ]; then
    exit 0
fi
echo "search page: http://$http/   (line protocol on $line; Ctrl-C stops)"
exec "$bin/searchd" --db "$db" --http "$http" --line "$line"
