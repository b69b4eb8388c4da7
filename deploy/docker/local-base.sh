#!/usr/bin/env bash
# Base images made from Debian packages, for a machine that cannot pull from an image registry:
#   nevgrains-base:bookworm  the runtime base: Debian 12 minbase with libicu72, libssl3, ca-certificates, tzdata and the user
#                            app (UID 1654), where the self-contained apps of deploy/docker/Dockerfile run; it trusts the
#                            CAs this machine adds in /usr/local/share/ca-certificates
#   nevgrains-sdk:local      the build base: nevgrains-base plus the .NET SDK of this machine (the dotnet on PATH)
# Then build the production Dockerfile on them:
#   docker build -f deploy/docker/Dockerfile --network host --build-arg SDK_IMAGE=nevgrains-sdk:local \
#     --build-arg RUNTIME_IMAGE=nevgrains-base:bookworm --target silo -t nevgrains-silo:local .
# An image that exists already is kept (NEV_REBUILD_BASE=1 makes both again). Needs root (debootstrap) and a Docker engine.
set -euo pipefail

BASE=${NEV_BASE_IMAGE:-nevgrains-base:bookworm}
SDK=${NEV_SDK_IMAGE:-nevgrains-sdk:local}
MIRROR=${NEV_DEBIAN_MIRROR:-http://deb.debian.org/debian}

have() { [ "${NEV_REBUILD_BASE:-}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! have "$BASE"; then
  command -v debootstrap >/dev/null || { echo "local-base.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  echo "local-base: debootstrap bookworm (minbase) into $work/root ..."
  debootstrap --variant=minbase --include=libicu72,libssl3,ca-certificates,tzdata bookworm "$work/root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # The chiseled images' non-root user, so USER 1654 has a name and a home on both bases.
  echo "app:x:1654:1654:app:/home/app:/usr/sbin/nologin" >>"$work/root/etc/passwd"
  echo "app:x:1654:" >>"$work/root/etc/group"
  mkdir -p "$work/root/home/app" && chown 1654:1654 "$work/root/home/app"
  # This machine's own CAs (a TLS-inspecting proxy's, say), so a restore in the build stage reaches NuGet as the host does.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$work/root/usr/local/share/ca-certificates/"
    chroot "$work/root" update-ca-certificates >/dev/null
  fi
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
  tar -C "$work/root" -c . | docker import \
    -c 'ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true' \
    -c 'WORKDIR /' -m "Debian bookworm minbase for NevGrains (deploy/docker/local-base.sh)" - "$BASE" >/dev/null
  echo "local-base: $BASE $(docker image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%.0f MB", $1/1e6}')"
fi

if ! have "$SDK"; then
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  echo "local-base: $SDK from $BASE and the SDK in $dotnet_root ($(dotnet --version)) ..."
  mkdir -p "$work/sdk"
  printf 'FROM %s\nCOPY . /usr/share/dotnet/\nENV %s\n' "$BASE" \
    'PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NUGET_CERT_REVOCATION_MODE=offline' \
    >"$work/sdk/Dockerfile"
  # The SDK folder is the build context; the Dockerfile comes from stdin so nothing is written into it.
  DOCKER_BUILDKIT=0 docker build -q -t "$SDK" -f - "$dotnet_root" <"$work/sdk/Dockerfile" >"$work/sdk.log" 2>&1 || { cat "$work/sdk.log" >&2; exit 1; }
  echo "local-base: $SDK $(docker image inspect -f '{{.Size}}' "$SDK" | awk '{printf "%.0f MB", $1/1e6}')"
fi
