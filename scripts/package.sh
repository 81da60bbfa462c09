#!/usr/bin/env bash
# Builds the Release Debian package into build/package/ and checks it (issue 14): installs what
# is missing (scripts/install-deps.sh --package), configures and builds build/release without
# the tests, packs it with CPack DEB, then runs tests/package/check-package.sh on the .deb
# (lintian, appstreamcli, desktop-file-validate, groff, systemd-analyze, an install into a
# scratch root and its removal).
#
#   scripts/package.sh               build, pack, check
#   scripts/package.sh --no-check    build and pack only
#
# Environment: TIDEMARK_SKIP_INSTALL=1 checks no Debian packages; TIDEMARK_RELEASE_DIR=DIR
# builds somewhere else than build/release.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

check=1
for arg in "$@"; do
    case "$arg" in
        --no-check) check=0 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "package.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

if [[ "${TIDEMARK_SKIP_INSTALL:-}" != 1 ]]; then
    scripts/install-deps.sh --package
fi

build_dir="${TIDEMARK_RELEASE_DIR:-build/release}"
out_dir=build/package
echo "== configure $build_dir (Release)"
cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DTIDEMARK_BUILD_GUI=ON
echo "== build"
cmake --build "$build_dir"
echo "== cpack -G DEB into $out_dir"
rm -f "$out_dir"/tidemark_*.deb
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$PWD/$out_dir"
deb="$(ls "$out_dir"/tidemark_*.deb)"
echo "package.sh: built $deb"
if ((check)); then
    echo "== check $deb"
    tests/package/check-package.sh --deb "$deb"
fi
