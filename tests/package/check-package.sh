#!/usr/bin/env bash
# The package test (ctest label `package`, issue 14): builds the Debian package from a build
# tree with CPack, or takes one built already, and checks what a user and Debian's tools would:
#
#   contents      the programs, desktop file, metainfo, icons (each PNG the size its folder
#                 says), man pages, systemd unit, copyright, changelog.gz, example project;
#                 every directory 0755 and owned by root, whatever the builder's umask
#   dependencies  from shlibdeps, plus the runtime-loaded Qt plugins, and the upper bound on
#                 Qt HttpServer when a program links it
#   validators    appstreamcli validate --no-net, desktop-file-validate, groff -man -ww -z,
#                 systemd-analyze verify and security --offline=yes (at most 2.0),
#                 lintian --fail-on error
#   install       dpkg --root into a scratch root; the installed tidemark-cli --version and
#                 validate on the installed example project; purge; nothing left behind
#
#   check-package.sh --build-dir DIR   pack DIR (a configured and built tree) into a scratch
#                                      folder, then check; ctest runs this
#   check-package.sh --deb FILE        check a package built elsewhere (scripts/package.sh)
#
# A checker tool that is missing fails the test under CI (CI=true or TIDEMARK_REQUIRE_SERVERS=1);
# elsewhere the test is skipped (exit 77) with the command that installs them.
set -euo pipefail

here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
source_dir="$(readlink -f "$here/../..")"
build_dir=""
deb=""
while (($#)); do
    case "$1" in
        --build-dir) build_dir="$(readlink -f "$2")"; shift 2 ;;
        --deb) deb="$(readlink -f "$2")"; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "check-package.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
if [[ -z "$build_dir" && -z "$deb" ]] || [[ -n "$build_dir" && -n "$deb" ]]; then
    echo "check-package.sh: give one of --build-dir DIR or --deb FILE" >&2
    exit 2
fi

required=0
[[ "${CI:-}" == true || "${TIDEMARK_REQUIRE_SERVERS:-}" == 1 ]] && required=1

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
started=$SECONDS
step() { echo "== $* ($((SECONDS - started)) s)"; }

# --- tools -------------------------------------------------------------------------------------
tools=(dpkg dpkg-deb appstreamcli desktop-file-validate groff systemd-analyze lintian readelf
       gzip)
[[ -n "$build_dir" ]] && tools+=(cpack)
missing=()
for t in "${tools[@]}"; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if ((${#missing[@]})); then
    echo "check-package.sh: missing tools: ${missing[*]} (scripts/install-deps.sh --package)" >&2
    if ((required)); then
        echo "check-package.sh: required under CI: FAIL" >&2
        exit 1
    fi
    echo "check-package.sh: skipped" >&2
    exit 77
fi

work="$(mktemp -d -t tidemark-package.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# --- pack --------------------------------------------------------------------------------------
if [[ -n "$build_dir" ]]; then
    [[ -f "$build_dir/CPackConfig.cmake" ]] ||
        { echo "check-package.sh: $build_dir/CPackConfig.cmake missing: not a configured build" >&2; exit 2; }
    step "cpack -G DEB on $build_dir"
    # umask 077: the directories in the package must still come out 0755.
    if ! (umask 077 && cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" \
              >"$work/cpack.log" 2>&1); then
        cat "$work/cpack.log" >&2
        echo "check-package.sh: cpack failed (log above); is $build_dir built?" >&2
        exit 1
    fi
    deb="$(ls "$work"/out/*.deb)"
fi
[[ -f "$deb" ]] || { echo "check-package.sh: no package file '$deb'" >&2; exit 2; }
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB)"

x="$work/x"
dpkg-deb -x "$deb" "$x"
dpkg-deb -f "$deb" >"$work/control"
version="$(dpkg-deb -f "$deb" Version)"
depends="$(dpkg-deb -f "$deb" Depends)"
sed 's/^/  /' "$work/control"

# --- contents ----------------------------------------------------------------------------------
step "contents"
app=io.github.tidemark.Tidemark
for f in usr/bin/tidemark usr/bin/tidemark-cli \
         usr/share/applications/$app.desktop usr/share/metainfo/$app.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/$app.svg \
         usr/share/man/man1/tidemark-cli.1.gz usr/share/man/man1/tidemark.1.gz \
         usr/lib/systemd/system/tidemark-serve.service \
         usr/share/doc/tidemark/copyright usr/share/doc/tidemark/changelog.gz \
         usr/share/tidemark/example/tidemark.json usr/share/tidemark/example/source.db \
         usr/share/tidemark/example/mirror.db; do
    [[ -e "$x/$f" ]] || fail "the package lacks /$f"
done
[[ -x "$x/usr/bin/tidemark-cli" ]] || fail "/usr/bin/tidemark-cli is not executable"

# PNG: width and height are the big-endian 32-bit numbers at bytes 16 and 20 (the IHDR chunk).
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }
pngs=0
for png in "$x"/usr/share/icons/hicolor/*/apps/$app.png; do
    [[ -e "$png" ]] || break
    folder="$(basename "$(dirname "$(dirname "$png")")")"
    got="$(png_size "$png")"
    [[ "$got" == "$folder" ]] || fail "icon ${png#"$x"} is $got, not $folder"
    pngs=$((pngs + 1))
done
for n in 16 22 24 32 48 64 128 256; do
    [[ -e "$x/usr/share/icons/hicolor/${n}x${n}/apps/$app.png" ]] || fail "no ${n}x${n} PNG icon"
done
((pngs >= 8)) && pass "$pngs PNG icons, each the size its folder says"

# Every directory 0755 and every entry root-owned; files 0644 or 0755.
dpkg-deb -c "$deb" >"$work/listing"
bad_dirs="$(awk '$1 ~ /^d/ && $1 != "drwxr-xr-x" {print $1, $6}' "$work/listing")"
[[ -z "$bad_dirs" ]] || fail "directories not 0755: $bad_dirs"
bad_files="$(awk '$1 ~ /^-/ && $1 != "-rw-r--r--" && $1 != "-rwxr-xr-x" {print $1, $6}' "$work/listing")"
[[ -z "$bad_files" ]] || fail "files neither 0644 nor 0755: $bad_files"
bad_owner="$(awk '$2 != "root/root" {print $2, $6}' "$work/listing")"
[[ -z "$bad_owner" ]] || fail "entries not owned by root: $bad_owner"
[[ -z "$bad_dirs$bad_files$bad_owner" ]] && pass "directories 0755, files 0644/0755, all root-owned"

launchable="$(sed -n 's:.*<launchable type="desktop-id">\(.*\)</launchable>.*:\1:p' \
    "$x/usr/share/metainfo/$app.metainfo.xml")"
[[ "$launchable" == "$app.desktop" ]] || fail "metainfo launchable '$launchable' is not $app.desktop"

changelog_version="$(gzip -dc "$x/usr/share/doc/tidemark/changelog.gz" | sed -n '1s/^tidemark (\([^)]*\)).*/\1/p')"
[[ "$changelog_version" == "$version" ]] ||
    fail "changelog.gz's newest entry is '$changelog_version', the package is $version: add an entry to packaging/changelog"

# --- dependencies ------------------------------------------------------------------------------
step "dependencies"
echo "  Depends: $depends"
[[ "$depends" == *libqt6core6* ]] || fail "Depends lacks libqt6core6: shlibdeps did not run"
for p in libqt6sql6-sqlite libqt6sql6-psql libqt6sql6-mysql qt6-qpa-plugins; do
    [[ "$depends" == *"$p"* ]] || fail "Depends lacks $p (loaded at run time, no linker sees it)"
done
if readelf -d "$x/usr/bin/tidemark-cli" | grep -q 'NEEDED.*\[libQt6HttpServer\.so'; then
    [[ "$depends" == *"libqt6httpserver6 (<< 6.5~)"* ]] ||
        fail "tidemark-cli links Qt HttpServer but Depends has no 'libqt6httpserver6 (<< 6.5~)'"
    pass "Qt HttpServer linked and bounded"
else
    echo "  tidemark-cli does not link Qt HttpServer: no bound needed"
fi

# --- validators --------------------------------------------------------------------------------
step "appstreamcli, desktop-file-validate, groff"
if out="$(appstreamcli validate --no-net "$x/usr/share/metainfo/$app.metainfo.xml" 2>&1)"; then
    pass "appstreamcli validate --no-net"
else
    fail "appstreamcli validate --no-net: $out"
fi
out="$(desktop-file-validate "$x/usr/share/applications/$app.desktop" 2>&1)" || true
[[ -z "$out" ]] && pass "desktop-file-validate" || fail "desktop-file-validate: $out"
for page in tidemark-cli tidemark; do
    out="$(gzip -dc "$x/usr/share/man/man1/$page.1.gz" | groff -man -ww -z 2>&1)" || true
    [[ -z "$out" ]] && pass "groff -man -ww -z $page.1" || fail "groff -man -ww -z $page.1: $out"
done

step "systemd-analyze"
unit="$x/usr/lib/systemd/system/tidemark-serve.service"
# verify needs the units the service depends on and the program it starts, so it runs in a
# root of its own: the host's unit folder, the package's unit and binary; MANPATH lets it
# find the packaged man page that Documentation= names.
vroot="$work/verify-root"
mkdir -p "$vroot/usr/lib/systemd" "$vroot/usr/bin"
host_units=/usr/lib/systemd/system
[[ -f "$host_units/sysinit.target" ]] || host_units=/lib/systemd/system
cp -a "$(readlink -f "$host_units")" "$vroot/usr/lib/systemd/system"
cp "$unit" "$vroot/usr/lib/systemd/system/"
cp "$x/usr/bin/tidemark-cli" "$vroot/usr/bin/"
rc=0
out="$(cd "$work" && MANPATH="$x/usr/share/man" \
    systemd-analyze verify --root="$vroot" tidemark-serve.service 2>&1)" || rc=$?
[[ $rc == 0 && -z "$out" ]] && pass "systemd-analyze verify" ||
    fail "systemd-analyze verify (exit $rc): $out"
out="$(systemd-analyze security --offline=yes "$unit" 2>&1)" || true
level="$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$out")"
if [[ -n "$level" ]] && awk -v l="$level" 'BEGIN {exit !(l <= 2.0)}'; then
    pass "systemd-analyze security --offline=yes: $level"
else
    fail "systemd-analyze security --offline=yes: exposure '${level:-?}' (at most 2.0): $out"
fi

step "lintian --fail-on error"
rc=0
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || rc=$?
sed 's/^/  /' "$work/lintian.log"
((rc == 0)) && pass "lintian --fail-on error" || fail "lintian --fail-on error (exit $rc)"

# --- install into a scratch root ---------------------------------------------------------------
step "dpkg --root install, run, purge"
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
snapshot() { (cd "$root" && find . -path ./var/lib/dpkg -prune -o -print | LC_ALL=C sort); }
snapshot >"$work/before"
dpkg_root=(dpkg --root="$root" --force-not-root --force-script-chrootless
           --log="$work/dpkg.log")
# --force-depends: the scratch root's dpkg database knows none of the libraries, which the
# programs take from the host.
if ! "${dpkg_root[@]}" --force-depends -i "$deb" >"$work/dpkg-install.log" 2>&1; then
    cat "$work/dpkg-install.log" >&2
    fail "dpkg --root -i"
fi
status="$(dpkg --root="$root" -s tidemark 2>/dev/null | sed -n 's/^Status: //p')"
[[ "$status" == "install ok installed" ]] && pass "installed in the scratch root" ||
    fail "tidemark in the scratch root: '$status'"

# The programs write their log under the XDG data folder: keep it out of the scratch root.
export HOME="$work/home" XDG_DATA_HOME="$work/home/share" XDG_CONFIG_HOME="$work/home/config"
mkdir -p "$HOME"
rc=0
out="$("$root/usr/bin/tidemark-cli" --version 2>&1)" || rc=$?
[[ $rc == 0 && "$out" == *"$version"* ]] && pass "tidemark-cli --version: $out" ||
    fail "tidemark-cli --version (exit $rc): $out"
rc=0
out="$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/tidemark" --version 2>&1)" || rc=$?
[[ $rc == 0 && "$out" == *"$version"* ]] && pass "tidemark --version: $out" ||
    fail "tidemark --version (exit $rc): $out"
example="$root/usr/share/tidemark/example/tidemark.json"
before_example="$(cd "$root/usr/share/tidemark/example" && ls -la --time-style=full-iso && md5sum ./*)"
rc=0
out="$("$root/usr/bin/tidemark-cli" validate --project "$example" 2>&1)" || rc=$?
echo "$out" | sed 's/^/  /'
if [[ $rc == 0 && "$out" == *"project OK: 2 mappings checked"* && "$out" != *warning* ]]; then
    pass "validate on the installed example project"
else
    fail "validate on the installed example project (exit $rc)"
fi
after_example="$(cd "$root/usr/share/tidemark/example" && ls -la --time-style=full-iso && md5sum ./*)"
[[ "$before_example" == "$after_example" ]] ||
    fail "validate changed the installed example's folder: $(diff <(echo "$before_example") <(echo "$after_example"))"

"${dpkg_root[@]}" --purge tidemark >"$work/dpkg-purge.log" 2>&1 ||
    { cat "$work/dpkg-purge.log" >&2; fail "dpkg --root --purge"; }
snapshot >"$work/after"
left="$(diff "$work/before" "$work/after" || true)"
leftinfo="$(ls "$root/var/lib/dpkg/info" | grep '^tidemark\.' || true)"
[[ -z "$left$leftinfo" ]] && pass "purged: nothing left behind" ||
    fail "left behind after purge: $left $leftinfo"

step "done"
echo "check-package.sh: $failures failure(s) in $((SECONDS - started)) s"
((failures == 0))
