#!/usr/bin/env bash
# Installs the Debian 12 packages Tidemark needs to build and run (and, with --test, to run its
# test suite against real PostgreSQL and MariaDB servers). Shared by run.sh and test.sh.
#
# Only missing packages are installed, and `apt-get update` runs only when something is
# missing, so a second run on a prepared machine costs a few dpkg-query calls and touches
# nothing.
#
#   scripts/install-deps.sh            build + run dependencies
#   scripts/install-deps.sh --test     ... plus the test servers, a virtual X display, lupdate,
#                                      and promtool (the prometheus .deb, unpacked by the test)
#   scripts/install-deps.sh --bench    ... plus the backfill benchmark's baseline (pgloader)
#   scripts/install-deps.sh --package  ... plus what builds and checks the .deb (scripts/package.sh,
#                                      the test labelled `package`)
#   scripts/install-deps.sh --check    only report what is missing (exit 1 if anything is)
set -euo pipefail

BUILD_PACKAGES=(
    cmake ninja-build g++
    qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
    # Qt6ChartsConfig.cmake needs Qt6OpenGL's CMake files, which Debian 12's qt6-charts-dev
    # does not pull in: without this, find_package(Qt6 COMPONENTS Charts) fails.
    libqt6opengl6-dev
    # QtSql finds its drivers as plugins at run time: without these the build succeeds and
    # every connection fails with "Driver not loaded".
    libqt6sql6-psql libqt6sql6-mysql libqt6sql6-sqlite
    libspdlog-dev qtkeychain-qt6-dev
    # libpq's headers: engine/ builds its PostgreSQL COPY path only when it finds them, so
    # without this a fresh machine (and CI) would build and test a different engine than a
    # developer's.
    libpq-dev
    # The MariaDB client library's headers: engine/ writes MariaDB mirrors by its bulk
    # execution only when it finds them (literal statements otherwise), for the same reason.
    libmariadb-dev
    # The xcb/wayland/offscreen platform plugins; without them the GUI cannot open a window.
    qt6-qpa-plugins libgl-dev
    sqlite3
    # Drift hashing registers a function on QSQLITE's connection through libsqlite3's API.
    libsqlite3-dev
)
# The generator soaks (bench/soak, label `soak`) drive the sources with pgbench and sysbench.
# On Debian 12 pgbench is in postgresql-15, which `postgresql` pulls in (/usr/bin/pgbench is
# only postgresql-client-common's wrapper); sysbench is a package of its own.
# openssl makes the certificate tst_service_http serves TLS with.
# qt6-l10n-tools brings lupdate: the test translations_current checks that
# resources/translations/tidemark.ts holds every translatable string (it fails under CI without).
TEST_PACKAGES=(postgresql mariadb-server clickhouse-server xvfb xauth sysbench openssl
               qt6-l10n-tools)
# bench/backfill/run.sh compares Tidemark with pgloader; psql and the mariadb client come with
# the servers (--test), which the benchmark also needs.
BENCH_PACKAGES=(pgloader)
# scripts/package.sh and tests/package: dpkg-shlibdeps (dpkg-dev) for the dependencies,
# readelf (binutils) to see whether serve links Qt HttpServer, and the checkers: lintian,
# appstreamcli (appstream), desktop-file-validate (desktop-file-utils), groff for the man
# pages, systemd-analyze (systemd: a fresh Debian 12 container has none).
PACKAGE_PACKAGES=(dpkg-dev binutils lintian appstream desktop-file-utils groff-base systemd)

want=("${BUILD_PACKAGES[@]}")
check_only=0
want_promtool=0
for arg in "$@"; do
    case "$arg" in
        --test) want+=("${TEST_PACKAGES[@]}"); want_promtool=1 ;;
        --bench) want+=("${BENCH_PACKAGES[@]}") ;;
        --package) want+=("${PACKAGE_PACKAGES[@]}") ;;
        --check) check_only=1 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "install-deps.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

is_installed() {
    # "install ok installed" is the only state in which a package's files are all there;
    # "deinstall ok config-files" (removed, config kept) must count as missing.
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for pkg in "${want[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

# tst_service_promtool runs `promtool check metrics` on the service's /metrics. promtool comes
# in Debian's `prometheus` package, whose installation would also start a Prometheus server
# on port 9090; so the .deb is only downloaded into apt's cache, and the test unpacks promtool
# from it (dpkg-deb -x). Nothing happens when promtool is on PATH or the .deb is there.
PROMETHEUS_DEB_DIR=/var/cache/apt/archives
need_promtool_deb() {
    ((want_promtool)) || return 1
    command -v promtool >/dev/null 2>&1 && return 1
    compgen -G "$PROMETHEUS_DEB_DIR/prometheus_*.deb" >/dev/null && return 1
    return 0
}
fetch_promtool_deb() {
    need_promtool_deb || return 0
    if ((check_only)); then
        return 1
    fi
    echo "install-deps: downloading the prometheus .deb (for promtool) into $PROMETHEUS_DEB_DIR"
    (cd "$PROMETHEUS_DEB_DIR" && "${as_root[@]}" apt-get -q download prometheus) || {
        "${as_root[@]}" apt-get -q update
        (cd "$PROMETHEUS_DEB_DIR" && "${as_root[@]}" apt-get -q download prometheus)
    }
    if need_promtool_deb; then
        echo "install-deps: could not download the prometheus .deb" >&2
        exit 1
    fi
}

as_root=()
if ((EUID != 0)) && command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
fi

if ((${#missing[@]} == 0)); then
    if ! fetch_promtool_deb; then
        echo "install-deps: missing: promtool (the prometheus .deb)"
        exit 1
    fi
    exit 0
fi

echo "install-deps: missing packages: ${missing[*]}"
if ((check_only)); then
    exit 1
fi

if ((EUID != 0)) && ((${#as_root[@]} == 0)); then
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get -q update
"${as_root[@]}" apt-get -q install -y --no-install-recommends "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]})); then
    echo "install-deps: still not installed after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
fetch_promtool_deb
