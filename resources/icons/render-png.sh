#!/usr/bin/env bash
# Renders the PNG sizes of the application icon from its SVG into hicolor/NxN/apps/.
# The PNGs are checked in (the build needs no SVG renderer); run this after changing the SVG.
# Needs rsvg-convert (Debian: librsvg2-bin, in `scripts/install-deps.sh --package`).
# The package test (tests/package) checks that every PNG is the size its folder says.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

name=io.github.tidemark.Tidemark
sizes=(16 22 24 32 48 64 128 256)
command -v rsvg-convert >/dev/null ||
    { echo "render-png.sh: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }
for n in "${sizes[@]}"; do
    mkdir -p "hicolor/${n}x${n}/apps"
    rsvg-convert --width "$n" --height "$n" --format png \
        --output "hicolor/${n}x${n}/apps/$name.png" "$name.svg"
done
echo "render-png.sh: rendered ${sizes[*]} px into $(pwd)/hicolor"
