#!/usr/bin/env bash
# Sets up a fresh Debian machine for cluster-task: the Debian packages the tests and benchmarks
# compare against (ClusterShell 1.9.1), pnpm 12.4.2, the workspace's dependencies, and a build.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
/usr/bin/python3 -c 'import ClusterShell' 2>/dev/null && [ -x /usr/bin/nodeset ] || need_apt+=(clustershell)
# the test fleet's sshd (tools/fleet runs private instances on 127.x addresses only)
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
# compared with in the ssh benchmarks (pdsh -R ssh)
command -v pdsh >/dev/null || need_apt+=(pdsh)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  # Keep Debian from starting the system sshd (listening on every interface) while installing
  # openssh-server: only a policy-rc.d of our own, removed right after, never someone else's.
  guard=/usr/sbin/policy-rc.d
  own_guard=
  if [ ! -e "$guard" ]; then
    own_guard=1
    trap 'as_root rm -f "$guard"' EXIT
    printf '#!/bin/sh\n# tools/setup.sh: no service starts during this install\nexit 101\n' | as_root tee "$guard" >/dev/null
    as_root chmod 755 "$guard"
  fi
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [ -n "$own_guard" ]; then as_root rm -f "$guard"; trap - EXIT; fi
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "12.4.2" ]; then
  echo "setup: installing pnpm 12.4.2"
  npm install -g pnpm@12.4.2 >/dev/null 2>&1
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
pnpm turbo run build --output-logs=errors-only
