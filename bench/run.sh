#!/usr/bin/env bash
# Runs every benchmark figure of docs/benchmarks.md and rewrites its "Current figures" section (between the bench:begin and
# bench:end markers) with the machine, date, commit, medians, spread over rounds and ratios against baselines run in the same
# process. Release builds; nothing else should run on the machine meanwhile. Benchmarks are never assertions in tests.
#
#   bench/run.sh                  everything (about 20 minutes on 2 cores with the defaults below, plus about an hour for the
#                                 100,000-scenario stream)
#   NEV_BENCH_STREAM=0 bench/run.sh   everything but the 100,000-scenario stream
#
# Sizes (environment): NEV_BENCH_CALLS=200 calls per gRPC figure and round, NEV_BENCH_BATCH=600 scenarios per batch round,
# NEV_BENCH_ROUNDS=3, NEV_BENCH_STREAM=100000 scenarios in the streamed batch whose process RSS is sampled (0 = skip).
# The cluster figures start deploy/local/cluster.sh (Azurite from npm, 2 silos, the gateway on 127.0.0.1:$NEV_GATEWAY_PORT).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
CALLS="${NEV_BENCH_CALLS:-200}"
BATCH="${NEV_BENCH_BATCH:-600}"
ROUNDS="${NEV_BENCH_ROUNDS:-3}"
STREAM="${NEV_BENCH_STREAM:-100000}"
export NEV_GATEWAY_PORT="${NEV_GATEWAY_PORT:-5080}"
OUT="$(mktemp -d)"
# The local cluster's state goes to a folder of this run's (wiped at the end), unless the caller names one (kept).
WIPE=""
if [ -z "${NEV_LOCAL_DIR:-}" ]; then
  export NEV_LOCAL_DIR="$OUT/cluster"
  WIPE="--wipe"
fi
DOC="$ROOT/docs/benchmarks.md"
started="$(date -u +%Y-%m-%d\ %H:%M)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

log() { printf '\n== %s\n' "$*" >&2; }

# The section is replaced between its two markers; without both, the rewrite would drop the rest of the document.
[ "$(grep -c '<!-- bench:begin' "$DOC")" = 1 ] && [ "$(grep -c '<!-- bench:end -->' "$DOC")" = 1 ] \
  || { echo "bench/run.sh: $DOC needs one bench:begin and one bench:end marker" >&2; exit 1; }

sampler=""
cluster_up=""
cleanup() {
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; fi
  if [ -n "$cluster_up" ]; then NEV_NO_BUILD=1 deploy/local/cluster.sh down $WIPE >&2 || true; fi
}
trap cleanup EXIT

log "build (Release)"
dotnet build NevGrains.sln -c Release -nologo -v q

log "in-process: BenchmarkDotNet, one scenario"
dotnet run -c Release --no-build --project bench/NevGrains.Model.Benchmarks -- --filter '*ScenarioBenchmarks*' \
  --exporters github --artifacts "$OUT/bdn" >&2
in_process=$(cat "$OUT"/bdn/results/*ScenarioBenchmarks-report-github.md)

log "in-process: cost against problem size"
dotnet run -c Release --no-build --project bench/NevGrains.Model.Benchmarks -- growth 20 "$ROUNDS" "$OUT/growth.md" >&2

log "gRPC: calls to the embedded gateway"
dotnet run -c Release --no-build --project bench/NevGrains.Gateway.Benchmarks -- calls "$CALLS" "$ROUNDS" "$OUT/calls.md" >&2

log "sharing the cores: interactive calls beside a saturating batch (one silo in the process)"
dotnet run -c Release --no-build --project bench/NevGrains.Cluster.Benchmarks -- fair 40 "$ROUNDS" | tee "$OUT/fair.txt" >&2

log "batches through a 2-silo local cluster (deploy/local/cluster.sh)"
cluster_up=1
NEV_NO_BUILD=1 deploy/local/cluster.sh up 2 >&2
gateway="http://127.0.0.1:$NEV_GATEWAY_PORT"
dotnet run -c Release --no-build --project bench/NevGrains.Gateway.Benchmarks -- batch "$gateway" "$BATCH" "$ROUNDS" "$OUT/batch.md" >&2

rss_section="Not measured this run (NEV_BENCH_STREAM=0)."
if [ "$STREAM" -gt 0 ]; then
  log "a $STREAM-scenario batch streamed to this client, RSS of the gateway and the silos sampled every second"
  pids=$(for f in "$NEV_LOCAL_DIR"/gateway.pid "$NEV_LOCAL_DIR"/silo-*.pid; do printf '%s=%s ' "$(basename "$f" .pid)" "$(cat "$f")"; done)
  (
    while true; do
      line="$(date +%s)"
      for entry in $pids; do
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/${entry#*=}/status" 2>/dev/null || echo 0)
        line="$line ${entry%%=*}=$rss"
      done
      echo "$line"
      sleep 1
    done
  ) >"$OUT/rss.txt" &
  sampler=$!
  start=$(date +%s)
  dotnet run -c Release --no-build --project bench/NevGrains.Gateway.Benchmarks -- stream "$gateway" "$STREAM" "$OUT/stream.md" >&2
  total=$(($(date +%s) - start))
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  sampler=""
  # Per process: max - min of RSS (MB) over the second half of the samples.
  rss_table=$(awk '
    { rows[NR] = $0 }
    END {
      half = int(NR / 2) + 1
      for (i = half; i <= NR; i++) {
        n = split(rows[i], fields, " ")
        for (j = 2; j <= n; j++) {
          split(fields[j], kv, "=")
          mb = kv[2] / 1024
          if (!(kv[1] in lo) || mb < lo[kv[1]]) lo[kv[1]] = mb
          if (!(kv[1] in hi) || mb > hi[kv[1]]) hi[kv[1]] = mb
        }
      }
      for (p in lo) printf "| %s | %.0f | %.0f | %.0f | < 50 MB |\n", p, lo[p], hi[p], hi[p] - lo[p]
    }' "$OUT/rss.txt" | sort)
  rss_table="| process | RSS min, second half (MB) | RSS max, second half (MB) | max - min, second half (MB) | goal |
| --- | ---: | ---: | ---: | --- |
$rss_table"
  rss_section="$STREAM scenarios submitted and streamed back to one client through the local cluster's gateway in ${total} s
(including the client's start-up); RSS sampled every second from the submission to the last result.

$rss_table

$(cat "$OUT/stream.md")"
fi

machine="$(nproc) cores ($(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')), $(free -g | awk '/^Mem:/ {print $2}') GiB,
$(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version), load average before the run $load_before"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' with uncommitted changes in src/')"

section="$OUT/section.md"
cat >"$section" <<EOF
<!-- bench:begin (written by bench/run.sh; edits here are overwritten) -->
Run $started UTC (to $(date -u +%H:%M)) at commit $commit on $machine.
Goals are those of the Speed issue. Ratios are taken within a round between figures measured in the same process.

### In-process, one scenario (BenchmarkDotNet)

Goals: base ≤ 0.5 ms, the Szeged storyline ≤ 1 ms, ≤ 64 KB allocated per run.

$in_process

### In-process, cost against problem size (the base scenario)

Goal: linear in cells and in years.

$(cat "$OUT/growth.md")

### gRPC, one caller and eight

$(cat "$OUT/calls.md")

### Batches through gRPC and a 2-silo local cluster

$(cat "$OUT/batch.md")

### A long batch streamed to a client: memory

$rss_section

### Interactive calls beside a saturating batch

Goal: interactive RunScenario p99 ≤ 20 ms while a batch saturates the silo.

\`\`\`
$(cat "$OUT/fair.txt")
\`\`\`
<!-- bench:end -->
EOF

awk -v section="$section" '
  /<!-- bench:begin/ { while ((getline line < section) > 0) print line; skip = 1; next }
  /<!-- bench:end -->/ { skip = 0; next }
  !skip { print }
  END { if (skip) exit 1 }
' "$DOC" >"$OUT/benchmarks.md"
cp "$OUT/benchmarks.md" "$DOC"
log "docs/benchmarks.md rewritten (figures in $OUT)"
