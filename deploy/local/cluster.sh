#!/usr/bin/env bash
# A NevGrains cluster on 127.0.0.1: Azurite, N silo processes and the gateway, with Azure Table clustering and grain storage on
# Azurite, as in production. State, logs and pids live in $NEV_LOCAL_DIR (default .local-cluster/ at the repository root).
#
#   deploy/local/cluster.sh up [N]        build, start Azurite, N silos (default 2) and the gateway on 127.0.0.1:5080
#   deploy/local/cluster.sh add-silo      start one more silo (it joins and receives new work at once)
#   deploy/local/cluster.sh drain K       graceful drain of silo K over gRPC (nev admin drain): no new work, hand back, exit
#   deploy/local/cluster.sh stop K        SIGTERM silo K (the same graceful shutdown, from the process side)
#   deploy/local/cluster.sh kill K        SIGKILL silo K (a crash: the cluster notices within ~30 s, batches retry its chunks)
#   deploy/local/cluster.sh status        processes, then `nev admin status`
#   deploy/local/cluster.sh logs NAME     follow a log (azurite, gateway, silo-K)
#   deploy/local/cluster.sh down          stop everything (state in Azurite's folder survives; `down --wipe` deletes it)
#
# Ports (override with the environment): gateway NEV_GATEWAY_PORT=5080, Azurite NEV_AZURITE_PORT=10000 (+1 queue, +2 table),
# silo K: silo-to-silo 11110+K, client gateway 30000+K, HTTP (health, /metrics, /dashboard) 8080+K. Gateway metrics on 9464.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${NEV_LOCAL_DIR:-$ROOT/.local-cluster}"
CONFIG="${NEV_CONFIGURATION:-Release}"
GATEWAY_PORT="${NEV_GATEWAY_PORT:-5080}"
AZURITE_PORT="${NEV_AZURITE_PORT:-10000}"
METRICS_PORT="${NEV_METRICS_PORT:-9464}"
CLUSTER_ID="${NEV_CLUSTER_ID:-local}"
ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((AZURITE_PORT + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((AZURITE_PORT + 2))/devstoreaccount1;"

SILO_DLL="$ROOT/src/NevGrains.Silo/bin/$CONFIG/net10.0/NevGrains.Silo.dll"
GATEWAY_DLL="$ROOT/src/NevGrains.Gateway/bin/$CONFIG/net10.0/NevGrains.Gateway.dll"
NEV_DLL="$ROOT/src/NevGrains.Cli/bin/$CONFIG/net10.0/nev.dll"

say() { printf '%s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

wait_port() { # name port seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; do
    running "$1" || die "$1 exited; see $STATE/$1.log"
    [ $SECONDS -lt $deadline ] || die "$1 did not listen on $2 within $3 s; see $STATE/$1.log"
    sleep 0.5
  done
}

wait_http() { # name url seconds
  local deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null "$2" 2>/dev/null; do
    running "$1" || die "$1 exited; see $STATE/$1.log"
    [ $SECONDS -lt $deadline ] || die "$1 was not ready at $2 within $3 s; see $STATE/$1.log"
    sleep 0.5
  done
}

# Starts a process in the background with its own log and pid file. Content root = its folder, so its appsettings.json applies.
launch() { # name dll env...
  local name=$1 dll=$2; shift 2
  (cd "$(dirname "$dll")" && exec env "$@" dotnet "$dll" >>"$STATE/$name.log" 2>&1) &
  echo $! >"$STATE/$name.pid"
}

build() {
  [ "${NEV_NO_BUILD:-}" = 1 ] && return
  say "building ($CONFIG)..."
  dotnet build "$ROOT/src/NevGrains.Silo" -c "$CONFIG" -nologo -v q >/dev/null
  dotnet build "$ROOT/src/NevGrains.Gateway" -c "$CONFIG" -nologo -v q >/dev/null
  dotnet build "$ROOT/src/NevGrains.Cli" -c "$CONFIG" -nologo -v q >/dev/null
}

start_azurite() {
  running azurite && return
  local azurite="$ROOT/tools/azurite/node_modules/.bin/azurite"
  [ -x "$azurite" ] || (cd "$ROOT/tools/azurite" && npm ci --no-audit --no-fund --loglevel=error)
  mkdir -p "$STATE/azurite-data"
  "$azurite" --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" --queueHost 127.0.0.1 --queuePort $((AZURITE_PORT + 1)) \
    --tableHost 127.0.0.1 --tablePort $((AZURITE_PORT + 2)) --location "$STATE/azurite-data" --skipApiVersionCheck --loose \
    --disableTelemetry >>"$STATE/azurite.log" 2>&1 &
  echo $! >"$STATE/azurite.pid"
  wait_port azurite $((AZURITE_PORT + 2)) 60
  say "azurite   127.0.0.1:$AZURITE_PORT-$((AZURITE_PORT + 2))  data in $STATE/azurite-data"
}

next_silo() {
  local k=1
  while [ -f "$STATE/silo-$k.pid" ]; do k=$((k + 1)); done
  echo $k
}

start_silo() { # k
  local k=$1 name="silo-$1"
  running "$name" && die "$name is already running"
  launch "$name" "$SILO_DLL" \
    Urls="http://127.0.0.1:$((8080 + k))" \
    NevGrains__Clustering=AzureTable NevGrains__Storage=Azure ConnectionStrings__AzureStorage="$CONNECTION" \
    NevGrains__ClusterId="$CLUSTER_ID" NevGrains__SiloName="$name" NevGrains__AdvertisedIp=127.0.0.1 \
    NevGrains__SiloPort=$((11110 + k)) NevGrains__GatewayPort=$((30000 + k)) \
    NevGrains__ShutdownTimeout=00:00:30 NevGrains__Dashboard__Enabled="${NEV_DASHBOARD:-false}"
  wait_http "$name" "http://127.0.0.1:$((8080 + k))/health/ready" 120
  say "$name    silo 127.0.0.1:$((11110 + k)), gateway port $((30000 + k)), http://127.0.0.1:$((8080 + k)) (/health/ready, /metrics)"
}

start_gateway() {
  running gateway && return
  launch gateway "$GATEWAY_DLL" \
    Urls="http://127.0.0.1:$GATEWAY_PORT" \
    NevGrains__Gateway__Mode=Cluster NevGrains__Clustering=AzureTable ConnectionStrings__AzureStorage="$CONNECTION" \
    NevGrains__ClusterId="$CLUSTER_ID" NevGrains__Gateway__Auth__AllowAnonymousOnLoopback=true \
    NevGrains__Gateway__MetricsPort="$METRICS_PORT"
  wait_port gateway "$GATEWAY_PORT" 60
  say "gateway   http://127.0.0.1:$GATEWAY_PORT (gRPC, anonymous on loopback), metrics http://localhost:$METRICS_PORT/metrics"
}

stop_process() { # name signal
  running "$1" || { rm -f "$STATE/$1.pid"; return 0; }
  local pid
  pid=$(cat "$STATE/$1.pid")
  kill "-$2" "$pid"
  if [ "$2" = TERM ]; then
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$STATE/$1.pid"
}

nev() { dotnet "$NEV_DLL" "$@" --server "http://127.0.0.1:$GATEWAY_PORT"; }

silo_name() { case "$1" in silo-*) echo "$1" ;; *) echo "silo-$1" ;; esac; }

command=${1:-}
[ -n "$command" ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
shift
mkdir -p "$STATE"
case "$command" in
  up)
    count=${1:-2}
    build
    start_azurite
    for _ in $(seq 1 "$count"); do start_silo "$(next_silo)"; done
    start_gateway
    say "try: dotnet run --project src/NevGrains.Cli -- --server http://127.0.0.1:$GATEWAY_PORT admin status"
    ;;
  add-silo) start_silo "$(next_silo)" ;;
  drain)
    [ -n "${1:-}" ] || die "drain needs a silo number or name"
    name=$(silo_name "$1")
    nev admin drain "$name"
    pid=$(cat "$STATE/$name.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && die "$name is still running after 60 s; see $STATE/$name.log"
      rm -f "$STATE/$name.pid"
      say "$name drained and exited"
    fi
    ;;
  stop) stop_process "$(silo_name "${1:?stop needs a silo number or name}")" TERM ;;
  kill) stop_process "$(silo_name "${1:?kill needs a silo number or name}")" KILL ;;
  status)
    for f in "$STATE"/*.pid; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .pid)
      if running "$name"; then say "$name: running (pid $(cat "$f"))"; else say "$name: not running"; fi
    done
    running gateway && nev admin status
    ;;
  logs) tail -f "$STATE/${1:?logs needs a name}.log" ;;
  down)
    stop_process gateway TERM
    for f in "$STATE"/silo-*.pid; do [ -e "$f" ] && stop_process "$(basename "$f" .pid)" TERM; done
    stop_process azurite TERM
    [ "${1:-}" = --wipe ] && rm -rf "$STATE"
    say "stopped"
    ;;
  *) die "unknown command '$command' (up, add-silo, drain, stop, kill, status, logs, down)" ;;
esac
