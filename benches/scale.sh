#!/usr/bin/env bash
# How ktimeline scales, as ratios against ripgrep on the same tree: builds a
# generated archive (once, reused), then measures side by side, several runs
# each, and prints medians.
#
#   benches/scale.sh [EVENTS]        # default 100000
#   RUNS=7 benches/scale.sh          # more runs (default 5)
#   DOUBLE=1 benches/scale.sh        # also a 2x archive, for the scaling ratio
#   COLD=1 benches/scale.sh          # also cold-cache runs (needs root)
#
# The figures:
#   first open   `ktimeline stats --json DIR` with an empty cache (writes the index)
#   reopen       the same with the index in place
#   browser      launch to the date list on screen (in tmux), index in place
#   search       `ktimeline search korea DIR` with the index, against
#                `rg --no-filename '^# ' DIR | fzf -f korea | head -20`
#   peak RSS     of first open and reopen, against the archive's bytes
#   floors       what no load can avoid (benches/floor.rs): open, fstat, read
#                and close every file in parallel (under a first open), and
#                stat every file and folder (under a reopen)
# Needs rg, fzf, tmux and GNU time; installs them with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-100000}
RUNS=${RUNS:-5}
BASE=${BENCH_DIR:-/tmp/ktimeline-bench}

need() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2" >&2
    apt-get install -y -qq "$2" >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
}
need rg ripgrep
need fzf fzf
need tmux tmux
[ -x /usr/bin/time ] || need /usr/bin/time time

cargo build --release --quiet --bin ktimeline --example gen_archive --example floor
K=$PWD/target/release/ktimeline
GEN=$PWD/target/release/examples/gen_archive
FLOOR=$PWD/target/release/examples/floor

archive() { # EVENTS -> directory, generated once
    local dir=$BASE/$1
    if [ ! -d "$dir/news" ]; then
        rm -rf "$dir"
        "$GEN" "$dir" "$1" >&2
    fi
    echo "$dir"
}

CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"; tmux kill-session -t ktl-bench 2>/dev/null || true' EXIT
export XDG_CACHE_HOME=$CACHE XDG_STATE_HOME=$CACHE/state XDG_CONFIG_HOME=$CACHE/config

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Runs a command; prints "seconds peak-KiB".
timed() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# Launch to the date list on screen, in a 120x40 tmux window.
browser() {
    local dir=$1 start end
    tmux kill-session -t ktl-bench 2>/dev/null || true
    start=$(date +%s.%N)
    tmux new-session -d -s ktl-bench -x 120 -y 40 \
        "XDG_CACHE_HOME=$CACHE $K $dir"
    # The date list's title, focused (┏) or not (┌); give up after a minute.
    until tmux capture-pane -p -t ktl-bench 2>/dev/null | grep -qE '[┏┌] Dates'; do
        sleep 0.005
        if (($(date +%s) - ${start%.*} > 60)); then
            echo "the browser showed no date list within a minute" >&2
            exit 1
        fi
    done
    end=$(date +%s.%N)
    tmux kill-session -t ktl-bench
    awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
}

measure() { # DIR -> sets the globals below
    local dir=$1 i
    local rg=() first=() firstk=() re=() rek=() br=() se=() fz=() flr=() fls=()
    rg --no-filename '^# ' "$dir" >/dev/null # warm the page cache
    for ((i = 0; i < RUNS; i++)); do
        rg+=("$(timed rg --no-filename '^# ' "$dir" | cut -d' ' -f1)")
        rm -rf "${CACHE:?}"/ktimeline
        read -r s k < <(timed "$K" stats --json "$dir")
        first+=("$s") firstk+=("$k")
        read -r s k < <(timed "$K" stats --json "$dir")
        re+=("$s") rek+=("$k")
        se+=("$(timed "$K" search korea "$dir" | cut -d' ' -f1)")
        fz+=("$(timed bash -c "rg --no-filename '^# ' '$dir' | fzf -f korea | head -20" | cut -d' ' -f1)")
        br+=("$(browser "$dir")")
        flr+=("$("$FLOOR" "$dir" read | cut -d' ' -f1)")
        fls+=("$("$FLOOR" "$dir" stat | cut -d' ' -f1)")
    done
    RG=$(printf '%s\n' "${rg[@]}" | median)
    FIRST=$(printf '%s\n' "${first[@]}" | median)
    FIRSTK=$(printf '%s\n' "${firstk[@]}" | median)
    RE=$(printf '%s\n' "${re[@]}" | median)
    REK=$(printf '%s\n' "${rek[@]}" | median)
    BR=$(printf '%s\n' "${br[@]}" | median)
    SE=$(printf '%s\n' "${se[@]}" | median)
    FZ=$(printf '%s\n' "${fz[@]}" | median)
    FLR=$(printf '%s\n' "${flr[@]}" | median)
    FLS=$(printf '%s\n' "${fls[@]}" | median)
    BYTES=$(du -sb "$dir" | cut -f1)
    FILES=$(find "$dir" -type f | wc -l)
}

DIR=$(archive "$EVENTS")
measure "$DIR"
MB=$(awk -v b="$BYTES" 'BEGIN {printf "%.0f", b / 1e6}')
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -r)"
echo "archive: $EVENTS events, $FILES files, $MB MB; medians of $RUNS runs"
echo
printf '%-34s %9s %9s %8s\n' "what" "seconds" "vs" "ratio"
printf '%-34s %9s %9s %8s\n' "rg --no-filename '^# '" "$RG" "" ""
printf '%-34s %9s %9s %8s\n' "first open, stats --json" "$FIRST" "rg" "$(ratio "$FIRST" "$RG")"
printf '%-34s %9s %9s %8s\n' "reopen with the index" "$RE" "rg" "$(ratio "$RE" "$RG")"
printf '%-34s %9s %9s %8s\n' "browser: launch to the date list" "$BR" "rg" "$(ratio "$BR" "$RG")"
printf '%-34s %9s %9s %8s\n' "search korea, with the index" "$SE" "rg|fzf" "$(ratio "$SE" "$FZ")"
printf '%-34s %9s\n' "rg | fzf -f korea | head -20" "$FZ"
printf '%-34s %8s MB %9s %8s\n' "peak RSS, first open" "$((FIRSTK / 1024))" "bytes" "$(ratio "$((FIRSTK * 1024))" "$BYTES")"
printf '%-34s %8s MB %9s %8s\n' "peak RSS, reopen" "$((REK / 1024))" "bytes" "$(ratio "$((REK * 1024))" "$BYTES")"
printf '%-34s %9s %9s %8s\n' "floor: open+read every file" "$FLR" "rg" "$(ratio "$FLR" "$RG")"
printf '%-34s %9s %9s %8s\n' "floor: stat every file, folder" "$FLS" "rg" "$(ratio "$FLS" "$RG")"

if [ "${DOUBLE:-0}" = 1 ]; then
    ONE_FIRST=$FIRST ONE_RE=$RE
    DIR2=$(archive $((EVENTS * 2)))
    measure "$DIR2"
    echo
    printf '%-34s %9s %9s %8s\n' "first open, $((EVENTS * 2)) events" "$FIRST" "$EVENTS" "$(ratio "$FIRST" "$ONE_FIRST")"
    printf '%-34s %9s %9s %8s\n' "reopen, $((EVENTS * 2)) events" "$RE" "$EVENTS" "$(ratio "$RE" "$ONE_RE")"
fi

if [ "${COLD:-0}" = 1 ]; then
    drop() { sync && echo 3 >/proc/sys/vm/drop_caches; }
    c_rg=() c_k=()
    for ((i = 0; i < 3; i++)); do
        drop
        c_rg+=("$(timed rg --no-filename '^# ' "$DIR" | cut -d' ' -f1)")
        drop
        c_k+=("$(timed "$K" stats --json --no-cache "$DIR" | cut -d' ' -f1)")
    done
    CRG=$(printf '%s\n' "${c_rg[@]}" | median)
    CK=$(printf '%s\n' "${c_k[@]}" | median)
    echo
    printf '%-34s %9s\n' "cold: rg" "$CRG"
    printf '%-34s %9s %9s %8s\n' "cold: stats --json --no-cache" "$CK" "rg" "$(ratio "$CK" "$CRG")"
fi
