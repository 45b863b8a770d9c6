#!/usr/bin/env bash
# Fleet figures: time to start N nodes, then `ssh nodeK 'echo $SSH_CONNECTION'` on every node with
# OpenSSH through `xargs -P FANOUT`, with the client CPU (xargs + ssh processes) and the sshd CPU
# (the listeners' reaped children: cutime + cstime). Checks every node answered with its own address.
# usage: tools/fleet/bench/fanout.sh [NODES=512] [FANOUTS="64 256"] [RUNS=3]   (after a build)
set -euo pipefail
cd "$(dirname "$0")/../../.."
nodes=${1:-512}
fanouts=${2:-64 256}
runs=${3:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cluster-task-fleet-bench.XXXXXX")
rmdir "$dir"
cli=(node tools/fleet/dist/cli.js)
trap '"${cli[@]}" stop --dir "$dir" >/dev/null' EXIT

t0=$(date +%s%N)
"${cli[@]}" start --nodes "$nodes" --dir "$dir" | head -1
t1=$(date +%s%N)
echo "start: $(( (t1 - t0) / 1000000 )) ms wall for the CLI (node start-up included)"
cfg="$dir/ssh_config"
pids=$(grep -o '"pid": [0-9]*' "$dir/fleet.json" | awk '{print $2}')
hz=$(getconf CLK_TCK)

# sum of cutime+cstime (fields 16, 17) of the listeners, in ticks
sshd_ticks() {
  local total=0 pid
  for pid in $pids; do
    total=$(( total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $14 + $15}') ))
  done
  echo "$total"
}

for fanout in $fanouts; do
  for run in $(seq 1 "$runs"); do
    before=$(sshd_ticks)
    out=$(mktemp)
    /usr/bin/time -f '%e %U %S' -o "$out.time" \
      bash -c "seq 1 $nodes | xargs -P $fanout -I{} ssh -F '$cfg' node{} 'echo \$SSH_CONNECTION' > '$out'"
    after=$(sshd_ticks)
    ok=$(awk '{print $3}' "$out" | sort -u | wc -l)
    read -r wall user sys < "$out.time"
    printf 'fanout %-4s run %s: %6.2f s wall, client cpu %5.2f s, sshd cpu %5.2f s, %s/%s distinct addresses\n' \
      "$fanout" "$run" "$wall" "$(echo "$user + $sys" | bc)" \
      "$(echo "scale=2; ($after - $before) / $hz" | bc)" "$ok" "$nodes"
    rm -f "$out" "$out.time"
  done
done
