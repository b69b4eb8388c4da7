#!/usr/bin/env bash
# The cluster in containers, for real, on one machine: builds the images from deploy/docker/Dockerfile, starts three silos and
# the gateway (deploy/docker/compose.loopback.yaml, host networking on 127.0.0.1, Azurite on the host), runs a batch through
# the gateway, crashes one silo mid-batch, scales out by one, drains one with `nev admin drain`, checks that every result
# arrived exactly once, scrapes /metrics of a silo and of the gateway, then stops and removes everything it created.
#
#   deploy/docker/test.sh            needs root where no Docker engine runs yet (it installs docker.io, docker-compose and
#                                    debootstrap from Debian's packages and starts dockerd)
# Settings: NEV_DOCKER_ITEMS (3000) batch items, NEV_KEEP_IMAGES=1 keeps the images for the next run, NEV_DOCKER_LOGS=DIR
# keeps the logs. Exits non-zero, with the containers' logs, when a check fails. .ci/run runs it.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ITEMS=${NEV_DOCKER_ITEMS:-3000}
WORK=$(mktemp -d /tmp/nevgrains-docker.XXXXXX)
PROJECT=nevgrains-loopback
GATEWAY=http://127.0.0.1:15080
GATEWAY_METRICS=http://127.0.0.1:19464/metrics
AZURITE_PORT=20000
PORTS=(15080 19464 18081 18082 18083 18084 21111 21112 21113 21114 31111 31112 31113 31114 20000 20001 20002)
IMAGES=(nevgrains-silo:local nevgrains-gateway:local)
BASES=(nevgrains-base:bookworm nevgrains-sdk:local)

T0=$SECONDS
say() { printf '[%4ds] %s\n' $((SECONDS - T0)) "$*"; }
fail() { say "FAIL: $*"; FAILED=1; exit 1; }
FAILED=0
STARTED_DOCKERD=""
INSTALLED_ENGINE=""
CREATED_IMAGES=()
SAMPLER=""
AZURITE=""
BATCH=""

# A child of this script that has exited: gone, or a zombie until waited for (kill -0 still succeeds on a zombie).
exited() { local state; state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null); [ -z "$state" ] || [ "$state" = Z ]; }

# ---------------------------------------------------------------- clean-up: whatever happened, leave nothing behind
cleanup() {
  local status=$?
  set +e
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  [ -n "$BATCH" ] && kill "$BATCH" 2>/dev/null
  if [ "$status" -ne 0 ] || [ "$FAILED" = 1 ]; then
    say "logs of the containers (last 40 lines each):"
    for c in $(docker ps -a -q --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null); do
      echo "---- $(docker inspect -f '{{.Name}} (exit {{.State.ExitCode}})' "$c")"
      docker logs --tail 40 "$c" 2>&1
    done
    [ -f "$WORK/batch.log" ] && { echo "---- nev batch"; tail -20 "$WORK/batch.log"; }
  fi
  [ -n "${NEV_DOCKER_LOGS:-}" ] && { mkdir -p "$NEV_DOCKER_LOGS"; for c in $(docker ps -a -q --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null); do docker logs "$c" >"$NEV_DOCKER_LOGS/$(docker inspect -f '{{.Name}}' "$c" | tr -d /).log" 2>&1; done; cp "$WORK"/*.log "$NEV_DOCKER_LOGS/" 2>/dev/null; }
  compose down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1
  [ -n "$AZURITE" ] && kill "$AZURITE" 2>/dev/null && wait "$AZURITE" 2>/dev/null
  if [ "${NEV_KEEP_IMAGES:-}" != 1 ] && [ ${#CREATED_IMAGES[@]} -gt 0 ]; then
    docker rmi -f "${CREATED_IMAGES[@]}" >/dev/null 2>&1
    docker image prune -f >/dev/null 2>&1 # the build stage's intermediate layers
  fi
  if [ -n "$STARTED_DOCKERD" ]; then
    kill "$STARTED_DOCKERD" 2>/dev/null
    for _ in $(seq 1 60); do exited "$STARTED_DOCKERD" && break; sleep 0.5; done
    if exited "$STARTED_DOCKERD"; then wait "$STARTED_DOCKERD" 2>/dev/null; else say "warning: dockerd ($STARTED_DOCKERD) did not stop within 30 s"; fi
  fi
  if [ -z "$STARTED_DOCKERD" ] && [ -n "$INSTALLED_ENGINE" ] && [ -x /etc/init.d/docker ]; then
    as_root /etc/init.d/docker stop >/dev/null 2>&1 && STARTED_DOCKERD="(init script)"
  fi
  rm -rf "$WORK"
  say "cleaned up (containers, volumes, Azurite$([ "${NEV_KEEP_IMAGES:-}" = 1 ] || echo ", images")$([ -n "$STARTED_DOCKERD" ] && echo ", dockerd"))"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

compose() { docker-compose -f "$ROOT/deploy/docker/compose.loopback.yaml" -p "$PROJECT" "$@"; }

# ---------------------------------------------------------------- 1. the engine
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >"$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; fail "apt-get install ${missing[*]}"; }
  # Debian's package starts the engine through its init script where there is no systemd: stop it again at the end.
  [[ " ${missing[*]} " == *" docker.io "* ]] && INSTALLED_ENGINE=1
fi
if [ -n "$INSTALLED_ENGINE" ]; then # give the init script's engine time to answer before starting one of our own
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
fi
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  # Not through as_root: $! must be dockerd itself (or sudo, which passes signals on), not a subshell that outlives it.
  if [ "$(id -u)" -eq 0 ]; then dockerd >"$WORK/dockerd.log" 2>&1 & else sudo dockerd >"$WORK/dockerd.log" 2>&1 & fi
  STARTED_DOCKERD=$!
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; ! exited "$STARTED_DOCKERD" || { tail -20 "$WORK/dockerd.log"; fail "dockerd exited"; }; sleep 0.5; done
  docker info >/dev/null 2>&1 || fail "dockerd did not answer within 60 s"
fi
say "docker engine $(docker version -f '{{.Server.Version}}'), $(docker-compose version --short)"

for p in "${PORTS[@]}"; do
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && fail "port $p on 127.0.0.1 is in use; the loopback cluster needs ${PORTS[*]}"
done
compose down --volumes --remove-orphans --timeout 5 >/dev/null 2>&1 || true # a run that was killed before its clean-up

# ---------------------------------------------------------------- 2. images
for i in "${BASES[@]}" "${IMAGES[@]}"; do docker image inspect "$i" >/dev/null 2>&1 || CREATED_IMAGES+=("$i"); done
t=$SECONDS
"$ROOT/deploy/docker/local-base.sh"
say "base images ready in $((SECONDS - t)) s"
for target in silo gateway; do
  t=$SECONDS
  DOCKER_BUILDKIT=0 docker build -f deploy/docker/Dockerfile --network host \
    --build-arg SDK_IMAGE=nevgrains-sdk:local --build-arg RUNTIME_IMAGE=nevgrains-base:bookworm \
    --target "$target" -t "nevgrains-$target:local" . >"$WORK/build-$target.log" 2>&1 || { tail -30 "$WORK/build-$target.log"; fail "docker build --target $target"; }
  say "image nevgrains-$target:local built from deploy/docker/Dockerfile in $((SECONDS - t)) s, $(docker image inspect -f '{{.Size}}' "nevgrains-$target:local" | awk '{printf "%.0f MB", $1/1e6}')"
done

# ---------------------------------------------------------------- 3. Azurite on the host, nev
if [ ! -x tools/azurite/node_modules/.bin/azurite ]; then
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error) >"$WORK/npm.log" 2>&1 || { tail -20 "$WORK/npm.log"; fail "npm ci in tools/azurite"; }
fi
mkdir -p "$WORK/azurite"
tools/azurite/node_modules/.bin/azurite --blobHost 127.0.0.1 --blobPort $AZURITE_PORT --queueHost 127.0.0.1 --queuePort $((AZURITE_PORT + 1)) \
  --tableHost 127.0.0.1 --tablePort $((AZURITE_PORT + 2)) --location "$WORK/azurite" --skipApiVersionCheck --loose --disableTelemetry \
  >"$WORK/azurite.log" 2>&1 &
AZURITE=$!
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==" # Azurite's public well-known key
export NEV_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((AZURITE_PORT + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((AZURITE_PORT + 2))/devstoreaccount1;"
export NEV_CLUSTER_ID="loopback-$$"
NEVGRAINS_API_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export NEVGRAINS_API_KEY NEVGRAINS_SERVER=$GATEWAY

dotnet build src/NevGrains.Cli -c Release -nologo -v q >"$WORK/nev-build.log" 2>&1 || { tail -20 "$WORK/nev-build.log"; fail "building nev"; }
nev() { dotnet "$ROOT/src/NevGrains.Cli/bin/Release/net10.0/nev.dll" "$@"; }

# One `nev admin status`, as lines: "progress N" (completed items of the running batches), then "silo NAME ADDRESS" for
# each active silo in the gateway's view of the membership table. Nothing when the gateway does not answer.
status() {
  nev admin status --format json 2>/dev/null | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)
except ValueError:
    sys.exit()
print("progress", sum(int(b.get("completed", 0)) for b in s.get("batches", [])))
for silo in s.get("silos", []): print("silo", silo.get("name", ""), silo.get("address", ""))'
}
silos() { status | awk '$1 == "silo" { print $2, $3 }'; }
progress() { status | awk '$1 == "progress" { p = $2 } $1 == "silo" { n++ } END { print (p == "" ? "?" : p), n + 0 }'; }
wait_for() { # seconds description command...
  local limit=$1 what=$2 deadline=$((SECONDS + $1)); shift 2
  until "$@"; do [ $SECONDS -lt $deadline ] || fail "$what: not within $limit s"; sleep 2; done
}
active_count_is() { [ "$(silos | wc -l)" -eq "$1" ]; }
ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/health/ready" 2>/dev/null; }
MEMBERSHIP=()
seen() { local n; n=$(silos | awk '{print $1}' | sort | tr '\n' ' '); MEMBERSHIP+=("$(wc -w <<<"$n")"); say "membership: $(wc -w <<<"$n") active: $n"; }

# ---------------------------------------------------------------- 4. three silos and the gateway
t=$SECONDS
compose up -d silo1 silo2 silo3 gateway >"$WORK/compose.log" 2>&1 || { cat "$WORK/compose.log"; fail "compose up"; }
for k in 1 2 3; do wait_for 120 "silo$k ready" ready 1808$k; done
wait_for 120 "three silos in the gateway's membership view" active_count_is 3
say "3 silos and the gateway up in $((SECONDS - t)) s"
seen

# ---------------------------------------------------------------- 5. a batch through the gateway
python3 - "$WORK/loopback.sweep.json" "$ITEMS" <<'PY'
import json, sys
path, items = sys.argv[1], int(sys.argv[2])
prices = [24000 + 200 * i for i in range(60)]
rates = [round(0.3 + 0.01 * i, 2) for i in range(-(-items // 60))]
json.dump({
  "scenario": {"name": "loopback", "horizon": 2028, "levers": [{"label": "BYD price undertaking", "priceUndertaking": {
    "jurisdiction": "eu", "brand": "byd", "minImportPriceUsd": 30000, "from": "2026-07-01", "powertrains": ["POWERTRAIN_BEV"]}}]},
  "axes": [{"target": "levers[0].minImportPriceUsd", "values": prices},
           {"target": "parameter:pricing.passThrough.europe", "values": rates}],
  "metrics": [{"name": "BYD EU units 2027", "metric": "METRIC_KIND_UNITS", "owner": "byd", "markets": ["eu"], "year": 2027}],
}, open(path, "w"))
PY
ITEMS=$(( 60 * (-(-ITEMS / 60)) ))
# One sample every 3 s (each is a nev process: the sampler must not take the cores the silos need).
(while sleep 3; do echo "$((SECONDS - T0)) $(progress)"; done) >"$WORK/progress.log" 2>/dev/null &
SAMPLER=$!
t_batch=$SECONDS
nev batch "$WORK/loopback.sweep.json" --out "$WORK/results.csv" --chunk-size 25 >"$WORK/batch.log" 2>&1 &
BATCH=$!
say "batch of $ITEMS items submitted (nev batch, chunks of 25)"
done_at_least() { local c; c=$(tail -1 "$WORK/progress.log" 2>/dev/null | awk '{print $2}'); [ -n "$c" ] && [ "$c" != "?" ] && [ "$c" -ge "$1" ]; }
wait_for 300 "batch progress to $((ITEMS / 6))" done_at_least $((ITEMS / 6))

# ---------------------------------------------------------------- 6. crash a silo mid-batch
victim=$(silos | awk '$1 == "silo2" {print $2}')
pid=$(docker inspect -f '{{.State.Pid}}' "$(compose ps -q silo2)")
at_kill=$(tail -1 "$WORK/progress.log" | awk '{print $2}')
t_kill=$SECONDS
as_root kill -KILL "$pid"
say "silo2 ($victim) killed with SIGKILL at $at_kill of $ITEMS; Docker restarts it (restart: on-failure)"
replaced() { local s; s=$(silos); ! grep -q -- "$victim" <<<"$s" && grep -q '^silo2 ' <<<"$s" && [ "$(wc -l <<<"$s")" -eq 3 ]; }
wait_for 180 "silo2's old incarnation declared dead and its new one active" replaced
t_back=$((SECONDS - t_kill))
say "silo2 back as a new incarnation, the old one out of the membership, $t_back s after the kill"
seen

# ---------------------------------------------------------------- 7. scale out by one
t=$SECONDS
compose --profile scale-out up -d silo4 >>"$WORK/compose.log" 2>&1 || fail "compose up silo4"
wait_for 120 "silo4 ready" ready 18084
wait_for 120 "four silos in the membership" active_count_is 4
t_scale=$((SECONDS - t))
say "scaled out: silo4 active $t_scale s after docker-compose up"
seen

# ---------------------------------------------------------------- 8. drain one
t=$SECONDS
set +e
nev admin drain silo1 >"$WORK/drain.log" 2>&1
drain_exit=$?
set -e
cat "$WORK/drain.log"
[ "$drain_exit" -eq 0 ] || fail "nev admin drain silo1 exited $drain_exit"
container=$(compose ps -q silo1)
exit_code=$(timeout 90 docker wait "$container") || fail "silo1 did not exit within 90 s of the drain"
[ "$exit_code" -eq 0 ] || fail "drained silo1 exited with $exit_code"
wait_for 60 "three silos after the drain" active_count_is 3
t_drain=$((SECONDS - t))
say "drain: nev exit 0; silo1 handed back and exited 0 after $t_drain s"
seen

# ---------------------------------------------------------------- 9. every result exactly once
wait_for 600 "nev batch to finish" exited "$BATCH"
set +e
wait "$BATCH"
batch_exit=$?
set -e
BATCH=""
t_batch=$((SECONDS - t_batch))
t_end=$((SECONDS - T0))
tail -2 "$WORK/batch.log" | sed 's/^/    nev batch: /'
[ "$batch_exit" -eq 0 ] || fail "nev batch exited $batch_exit"
python3 - "$WORK/results.csv" "$ITEMS" <<'PY' || fail "results are not each item exactly once"
import csv, sys
from collections import Counter
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
items = int(sys.argv[2])
counts = Counter(int(r["index"]) for r in rows)
missing = [i for i in range(items) if counts[i] == 0]
doubled = [i for i, c in counts.items() if c > 1]
errors = [r["index"] for r in rows if r.get("error")]
bad = sum(1 for r in rows if not r["BYD EU units 2027"] or float(r["BYD EU units 2027"]) <= 0)
print(f"    results: {len(rows)} rows, {len(counts)} distinct indices, {len(missing)} missing, {len(doubled)} doubled, {len(errors)} with errors, {bad} without a positive value")
sys.exit(0 if len(rows) == items and not missing and not doubled and not errors and not bad else 1)
PY
say "batch: every one of $ITEMS results exactly once, in $t_batch s"
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""
# The longest wait between two samples where the count did not move, after the kill: the stall the crash caused.
stall=$(awk -v k=$((t_kill - T0)) -v e="$t_end" '$1 >= k && $1 <= e && $2 != "?" { if (last != "" && $2 == last) { run += $1 - t } else { run = 0 }; if (run > max) max = run; last = $2; t = $1 } END { print max + 0 }' "$WORK/progress.log")

# ---------------------------------------------------------------- 10. metrics by 127.0.0.1
silo_metrics=$(curl -fsS http://127.0.0.1:18083/metrics) || fail "silo3 /metrics on 127.0.0.1:18083"
gateway_metrics=$(curl -fsS "$GATEWAY_METRICS") || fail "gateway /metrics on $GATEWAY_METRICS"
for m in orleans_ nevgrains_batch_items_evaluated_total dotnet_gc_collections_total; do
  grep -q "^$m" <<<"$silo_metrics" || fail "silo3 /metrics has no $m"
done
for m in nevgrains_ http_server_request_duration_seconds_count dotnet_gc_collections_total; do
  grep -q "^$m" <<<"$gateway_metrics" || fail "gateway /metrics has no $m"
done
say "metrics scraped by 127.0.0.1: silo3 $(grep -c -v '^#' <<<"$silo_metrics") samples, gateway $(grep -c -v '^#' <<<"$gateway_metrics") samples"

say "PASS: membership ${MEMBERSHIP[*]}; batch of $ITEMS exactly once in $t_batch s; crash: new incarnation in $t_back s, longest stall $stall s; scale-out $t_scale s; drain $t_drain s (exit 0)"
