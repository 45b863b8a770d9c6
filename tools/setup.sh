#!/usr/bin/env bash
# Sets up a fresh Debian machine for cluster-task: the Debian packages the tests and benchmarks
# compare against (ClusterShell 1.9.1), pnpm 12.4.2, the workspace's dependencies, and a build.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
/usr/bin/python3 -c 'import ClusterShell' 2>/dev/null && [ -x /usr/bin/nodeset ] || need_apt+=(clustershell)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "12.4.2" ]; then
  echo "setup: installing pnpm 12.4.2"
  npm install -g pnpm@12.4.2 >/dev/null 2>&1
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
pnpm turbo run build --output-logs=errors-only
