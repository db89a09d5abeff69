#!/usr/bin/env bash
# check_package.sh BUILD_DIR SOURCE_DIR: what a user installs is complete and
# consistent.
#   - `cmake --install --prefix TMP`: the programs, man pages, unit and config
#     are where install.cmake says, the unit names the installed searchd and
#     config, and systemd-analyze accepts it;
#   - every program's --version is the project's one version;
#   - each man page renders without groff warnings and names every option of
#     the program's --help;
#   - `cpack -G DEB` builds, holds exactly tests/package/expected_files.txt
#     (plus the documentation), its unit and conffile are right and its
#     dependencies name the libraries.
# Prints "package: N passed, M failed" last; exit status 1 on any failure.
set -uo pipefail
build=${1:?usage: check_package.sh BUILD_DIR SOURCE_DIR}
source=${2:?usage: check_package.sh BUILD_DIR SOURCE_DIR}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sou-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() { # check NAME COMMAND...: run COMMAND, count and report
    local name=$1; shift
    if "$@" >"$tmp/out" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
        sed 's/^/    /' "$tmp/out" | head -20
    fi
}

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")

# --- cmake --install into a prefix ---
prefix=$tmp/prefix
check "cmake --install --prefix" cmake --install "$build" --prefix "$prefix"
for f in bin/indexer bin/sou sbin/searchd share/man/man1/indexer.1 share/man/man1/sou.1 \
         share/man/man8/searchd.8 etc/sou/searchd.conf lib/systemd/system/searchd.service \
         share/doc/sou/README.md share/doc/sou/protocol.md share/doc/sou/operations.md share/sou/synonyms.txt; do
    check "installed $f" test -s "$prefix/$f"
done
unit=$prefix/lib/systemd/system/searchd.service
check "unit ExecStart names the installed searchd and config" \
    grep -qxF "ExecStart=$prefix/sbin/searchd --config $prefix/etc/sou/searchd.conf" "$unit"
check "unit reloads with SIGHUP" grep -qxF 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
for key in User=sou NoNewPrivileges=yes ProtectSystem=strict; do
    check "unit has $key" grep -qxF "$key" "$unit"
done
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify" systemd-analyze verify --man=no "$unit"
fi
# The installed indexer gives a new index the installed synonym list.
check "installed indexer uses share/sou/synonyms.txt" sh -c "echo '{\"id\":\"a\",\"title\":\"t\",\"body\":\"b\"}' | \
    \"$prefix/bin/indexer\" --db \"$tmp/syn.db\" - | grep -qF 'from $prefix/bin/../share/sou/synonyms.txt'"
# The example config is a valid config (with a db of our own).
check "example searchd.conf loads" sh -c "\"$prefix/sbin/searchd\" --config \"$prefix/etc/sou/searchd.conf\" \
    --db \"$tmp/none\" --http 127.0.0.1:0 --line off --threads 1 & pid=\$!; sleep 1; kill \$pid; wait \$pid"

# --- one version, man pages that agree with --help ---
for p in bin/indexer sbin/searchd bin/sou; do
    name=${p#*/}
    check "$name --version" grep -qxF "$name (sou) $version" <("$prefix/$p" --version)
done
for page in man1/indexer.1:bin/indexer man8/searchd.8:sbin/searchd man1/sou.1:bin/sou; do
    man=$prefix/share/man/${page%%:*}
    prog=$prefix/${page#*:}
    check "$(basename "$man") renders without warnings" \
        sh -c "groff -man -ww -z -Tutf8 -K utf8 '$man' 2>&1 | (! grep .)"
    text=$(groff -man -Tutf8 -K utf8 -P -cbou "$man" 2>/dev/null)
    for opt in $("$prog" --help | grep -oE '(^| )--[a-z][a-z-]*' | tr -d ' ' | sort -u); do
        check "$(basename "$man") documents $opt" grep -qF -- "$opt" <<<"$text"
    done
done

# --- the Debian package ---
if command -v dpkg-deb >/dev/null; then
    pkgdir=$tmp/deb
    check "cpack -G DEB" cpack -G DEB --config "$build/CPackConfig.cmake" -B "$pkgdir"
    deb=$(ls "$pkgdir"/sou_*.deb 2>/dev/null | head -1)
    if [ -n "$deb" ]; then
        dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort >"$tmp/files"
        grep -v '^/usr/share/doc/sou/' "$tmp/files" >"$tmp/files.nodoc"
        grep -v '^#' "$source/tests/package/expected_files.txt" | sort >"$tmp/expected"
        check "package files = tests/package/expected_files.txt" diff "$tmp/expected" "$tmp/files.nodoc"
        check "package has the README" grep -qxF /usr/share/doc/sou/README.md "$tmp/files"
        check "package version" grep -qxF "Version: $version" <(dpkg-deb -f "$deb" Version | sed 's/^/Version: /')
        check "package depends on its libraries" sh -c "dpkg-deb -f '$deb' Depends | grep -q libxapian30 && \
            dpkg-deb -f '$deb' Depends | grep -q libevent && dpkg-deb -f '$deb' Depends | grep -q adduser && \
            dpkg-deb -f '$deb' Depends | grep -q python3-jieba"
        dpkg-deb -e "$deb" "$tmp/control"
        check "package conffile" grep -qxF /etc/sou/searchd.conf "$tmp/control/conffiles"
        check "package postinst creates the user" grep -q 'adduser --system' "$tmp/control/postinst"
        dpkg-deb -x "$deb" "$tmp/root"
        check "package unit runs /usr/sbin/searchd" grep -qxF \
            'ExecStart=/usr/sbin/searchd --config /etc/sou/searchd.conf' "$tmp/root/usr/lib/systemd/system/searchd.service"
    fi
else
    echo "package: dpkg-deb not found, the Debian package is not checked"
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
