#!/usr/bin/env bash
# Thumbnailing a 12-megapixel JPEG: lotgate against ImageMagick, in one run.
#
# Draws the 4000 x 3000 photo by code (examples/make_12mp.rs, quality 90), then
# times, on that same file:
#   ImageMagick: /usr/bin/convert in.jpg -thumbnail 512x512 out.jpg
#   lotgate:     examples/thumbnail_file.rs = process_upload (sniff, bounded
#                decode, EXIF orientation, 512 px thumbnail, SHA-256) + write
# with hyperfine (wall time, whole process each), and the peak resident memory
# of each with GNU time. Prints lotgate/ImageMagick; the target is <= 1.00.
# Exits 1 when the target is missed.
#
# Usage: crates/imaging/benches/imagemagick_compare.sh [RUNS]   (default 20)
# Needs: imagemagick, hyperfine, time (Debian); installed with apt-get when
# missing and run as root. /usr/local/bin/convert may be a stand-in on some
# machines, so ImageMagick is called as /usr/bin/convert.
set -euo pipefail

runs="${1:-20}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

if [[ ! -x /usr/bin/convert || ! -x /usr/bin/hyperfine || ! -x /usr/bin/time ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "needs imagemagick, hyperfine and time: apt-get install imagemagick hyperfine time" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq imagemagick hyperfine time >/dev/null
fi

cargo build --release --quiet -p lotgate-imaging --example make_12mp --example thumbnail_file
bin="$CARGO_TARGET_DIR/release/examples"
work="$CARGO_TARGET_DIR/imaging-bench"
mkdir -p "$work"
"$bin/make_12mp" "$work/in.jpg"
echo "input: $work/in.jpg, $(stat -c %s "$work/in.jpg") bytes, $(/usr/bin/identify -format '%wx%h' "$work/in.jpg")"

magick_cmd="/usr/bin/convert $work/in.jpg -thumbnail 512x512 $work/imagemagick.jpg"
lotgate_cmd="$bin/thumbnail_file $work/in.jpg $work/lotgate.jpg"
hyperfine --style basic --warmup 3 --runs "$runs" --export-csv "$work/times.csv" \
    -n imagemagick "$magick_cmd" -n lotgate "$lotgate_cmd"

# Peak resident set size in KiB: the largest of 3 runs.
peak_kib() {
    local most=0 kib
    for _ in 1 2 3; do
        kib=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
        ((kib > most)) && most=$kib
    done
    echo "$most"
}
# shellcheck disable=SC2086
magick_kib=$(peak_kib $magick_cmd)
# shellcheck disable=SC2086
lotgate_kib=$(peak_kib $lotgate_cmd)

mean_s() { awk -F, -v n="$1" '$1 == n { print $2 }' "$work/times.csv"; }
magick_s=$(mean_s imagemagick)
lotgate_s=$(mean_s lotgate)
ratio=$(awk -v a="$lotgate_s" -v b="$magick_s" 'BEGIN { printf "%.2f", a / b }')

echo
printf '%-12s %10s %14s\n' tool "mean ms" "peak RSS MiB"
printf '%-12s %10.1f %14.1f\n' imagemagick "$(awk -v s="$magick_s" 'BEGIN{print s*1000}')" \
    "$(awk -v k="$magick_kib" 'BEGIN{print k/1024}')"
printf '%-12s %10.1f %14.1f\n' lotgate "$(awk -v s="$lotgate_s" 'BEGIN{print s*1000}')" \
    "$(awk -v k="$lotgate_kib" 'BEGIN{print k/1024}')"
echo "time ratio lotgate/ImageMagick: $ratio (target <= 1.00)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.0) }' || { echo "TARGET MISSED" >&2; exit 1; }
