#!/usr/bin/env bash
# How the number of PATH arguments costs: the same archive opened as its
# folder and as every one of its files named on the command line, side by
# side, several runs each, medians. Each figure is printed with the ratio
# named / folder (the target: at most 1.5x).
#
#   benches/roots.sh [EVENTS]...     # default: 10000 20000 60000
#   RUNS=5 benches/roots.sh 60000    # more runs (default 3)
#   K=/path/to/ktimeline benches/roots.sh   # another build (an older one, to compare)
#
# Each archive is generated once (gen_archive), then copied as hard links
# with short file names (`news/2015/06/19/3.md`, `index.md` kept), so that
# 60,000 names fit on one command line (`getconf ARG_MAX`; the stack limit
# is raised when they do not). The names are given relative to the
# archive, as `cd DIR && ktimeline stats FILE...` gives them. The figures:
#   first open   `stats --json` with an empty cache (writes the index)
#   reopen       the same with the index in place
#   no cache     `stats --json --no-cache`
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BASE=${BENCH_DIR:-/tmp/ktimeline-bench}
[ $# -gt 0 ] || set -- 10000 20000 60000
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null

if [ -z "${K:-}" ]; then
    cargo build --release --quiet --bin ktimeline --example gen_archive
    K=$PWD/target/release/ktimeline
fi
GEN=$PWD/target/release/examples/gen_archive
[ -x "$GEN" ] || cargo build --release --quiet --example gen_archive

archive() { # EVENTS -> directory of short names, made once
    local gen=$BASE/$1 dir=$BASE/roots-$1
    if [ ! -d "$gen/news" ]; then
        rm -rf "$gen"
        "$GEN" "$gen" "$1" >&2
    fi
    if [ ! -d "$dir/news" ]; then
        rm -rf "$dir"
        # Every folder again, every file a hard link under a short name.
        (cd "$gen" && find news -type d) | (cd "$BASE" && mkdir -p "roots-$1" &&
            cd "roots-$1" && xargs mkdir -p)
        (cd "$gen" && find news -type f) | FROM=$gen TO=$dir perl -ne '
            chomp; my ($dir, $name) = m{^(.*)/([^/]+)$};
            my ($ext) = $name =~ /(\.[^.]+)$/;
            my $short = $name eq "index.md" ? $name : (++$n{$dir}) . $ext;
            link("$ENV{FROM}/$_", "$ENV{TO}/$dir/$short") or die "$_: $!";
        ' 
    fi
    echo "$dir"
}

CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"' EXIT
export XDG_CACHE_HOME=$CACHE XDG_STATE_HOME=$CACHE/state XDG_CONFIG_HOME=$CACHE/config

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timed() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# Runs `stats --json [--no-cache] ARGS...` in DIR three ways; prints the
# medians "first reopen nocache".
measure() { # DIR ARGS...
    local dir=$1 i first=() re=() nc=()
    shift
    for ((i = 0; i < RUNS; i++)); do
        rm -rf "${CACHE:?}"/ktimeline
        first+=("$(cd "$dir" && timed "$K" stats --json "$@")")
        re+=("$(cd "$dir" && timed "$K" stats --json "$@")")
        nc+=("$(cd "$dir" && timed "$K" stats --json --no-cache "$@")")
    done
    echo "$(printf '%s\n' "${first[@]}" | median)" \
        "$(printf '%s\n' "${re[@]}" | median)" \
        "$(printf '%s\n' "${nc[@]}" | median)"
}

echo "machine: $(nproc) cores; $(uname -r); medians of $RUNS runs"
printf '%-8s %7s  %-10s %8s %8s %6s\n' events files what folder named ratio
for events in "$@"; do
    dir=$(archive "$events")
    mapfile -t names < <(cd "$dir" && find news -type f \( -name '*.md' -o -name '*.txt' \) | sort)
    # The kernel counts each name, its NUL and its pointer.
    need=$(printf '%s\n' "${names[@]}" | wc -c)
    need=$((need + 8 * ${#names[@]} + 65536))
    if ((need > $(getconf ARG_MAX))); then
        ulimit -s $(((need * 4 / 1024) + 1024))
    fi
    # The same answer either way (the archive line aside).
    a=$(cd "$dir" && "$K" stats --json --no-cache . | grep -v '^  "archives"\|^    "')
    b=$(cd "$dir" && "$K" stats --json --no-cache "${names[@]}" | grep -v '^  "archives"\|^    "')
    if [ "$a" != "$b" ]; then
        echo "the folder and its files named one by one answer differently:" >&2
        diff <(echo "$a") <(echo "$b") >&2 || true
    fi
    read -r f_first f_re f_nc < <(measure "$dir" .)
    read -r n_first n_re n_nc < <(measure "$dir" "${names[@]}")
    for what in first re nc; do
        f=f_$what n=n_$what
        label=$what
        case $what in first) label="first open" ;; re) label=reopen ;; nc) label="no cache" ;; esac
        printf '%-8s %7s  %-10s %8s %8s %6s\n' "$events" "${#names[@]}" "$label" \
            "${!f}" "${!n}" "$(ratio "${!n}" "${!f}")"
    done
done
