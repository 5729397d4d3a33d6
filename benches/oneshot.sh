#!/usr/bin/env bash
# One-shot end-to-end runs of the release binary, too slow for criterion's
# repeated sampling at 1,000,000 persons (issue 7; figures in docs/performance.md):
#
#   bash benches/oneshot.sh [PERSONS]        # default 1000000
#
# Generates the batch (examples/generate.rs, seed 1, as of 2026-11-23) into
# target/bench-data/ when missing, writes the I/O-floor pack (the built-in pack
# with `[rules] order = []`), then runs `tryg screen --format json > /dev/null`
# under /usr/bin/time -v: the pack on 2 and 1 threads, recorded in a case
# register (--db), the I/O floor on 2 and 1.
# Prints wall time, persons/s, peak RSS and peak RSS / input size per run.
set -euo pipefail
cd "$(dirname "$0")/.."

persons="${1:-1000000}"
data="target/bench-data/${persons}-seed1"
floor_pack="target/bench-data/rules-io-floor"

cargo build --release --quiet --bin tryg --example generate
if [ ! -f "$data/persons.csv" ] || [ ! -f "$data/events.csv" ]; then
    target/release/examples/generate --persons "$persons" --seed 1 --as-of 2026-11-23 --out "$data"
fi
if [ ! -f "$floor_pack/tryg.toml" ]; then
    target/release/tryg init "$floor_pack" >/dev/null
    sed -i -e '/^order = \[/,/^\]/c\order = []' "$floor_pack/tryg.toml"
fi
grep -q '^order = \[\]$' "$floor_pack/tryg.toml"

input=$(($(stat -c %s "$data/persons.csv") + $(stat -c %s "$data/events.csv")))
events=$(($(wc -l <"$data/events.csv") - 1))
echo "batch: $persons persons, $events events, input $((input / 1048576)) MiB ($data)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
printf "%-10s %7s %8s %10s %13s %10s\n" run threads wall_s persons/s peak_rss_MiB rss/input

run() {
    local what="$1" threads="$2"
    shift 2
    local log
    log=$(mktemp)
    /usr/bin/time -v target/release/tryg screen --persons "$data/persons.csv" --events "$data/events.csv" \
        --as-of "${as_of:-2026-11-23}" --format json --threads "$threads" "$@" >/dev/null 2>"$log"
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
        awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    rm -f "$log"
    awk -v w="$what" -v t="$threads" -v s="$wall" -v r="$rss" -v p="$persons" -v i="$input" \
        'BEGIN { printf "%-10s %7d %8.2f %10.0f %13.0f %9.2fx\n", w, t, s, p / s, r / 1024, r * 1024 / i }'
}

run screen 2
run screen 1
# Issue 17: the same screening recorded in a new SQLite store (at most 1.5x
# the screen's wall time), and in PostgreSQL when TRYG_BENCH_POSTGRES names a
# database (each run adds a run to it).
store=$(mktemp -d)
run screen_db 2 --db "$store/register.db"
# The next meeting's screening into the same store: it first reads the
# previous run and the decisions back (issue 17 item 5), then records.
as_of=2026-12-21 run screen_db2 2 --db "$store/register.db"
ls -l "$store/register.db" | awk '{ printf "store: %.0f MiB\n", $5 / 1048576 }'
rm -rf "$store"
if [ -n "${TRYG_BENCH_POSTGRES:-}" ]; then
    run screen_pg 2 --db "$TRYG_BENCH_POSTGRES"
fi
run io_floor 2 --rules "$floor_pack"
run io_floor 1 --rules "$floor_pack"
