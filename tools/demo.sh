#!/usr/bin/env bash
# The demo: cluster-task's nodeset and cluset over the node names and groups of a demo fleet
# (tools/demo/groups.conf, a ClusterShell config used unchanged), each command shown before its
# output; then a command run on a real fleet of 16 OpenSSH nodes on loopback (tools/fleet),
# through the Task API over both transports. Run tools/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
groups="--groupsconf $PWD/tools/demo/groups.conf"

run() {
  printf '\n$ %s\n' "$*"
  "$@"
}

echo "cluster-task demo: a fleet of 128 nodes, node[1-128], in groups (tools/demo/groups.conf)"
run nodeset --version
run nodeset -f 'node[1-64],node[65-128]!node[100-110]'
run nodeset -c 'rack[1-4]n[01-32]'
run nodeset -e -S '\n' -I 0-3 'rack[1-4]n[01-32]'
run nodeset --split 3 -f 'node[1-100]'
run cluset --autostep=3 -f node1 node3 node5 node7 node9
run nodeset $groups --list-sources
run nodeset $groups -lll
run nodeset $groups -f '@compute!@gpu'
run nodeset $groups -f '@state:idle&@racks:rack1'
run nodeset $groups -r 'node[1-64,121-128]'
run nodeset $groups -s racks -r 'node[1-64]'
run nodeset $groups -c '@*'
printf '\n$ %s\n' "printf 'node3\nnode1\nnode2 # a comment\n' | nodeset -f"
printf 'node3\nnode1\nnode2 # a comment\n' | nodeset -f
printf '\n$ %s\n' "nodeset -f 'node[1-3' (a parse error, exit code 1)"
nodeset -f 'node[1-3' || echo "(exit code $?)"

echo
echo "and on a real fleet: 16 private sshd nodes on 127.77.0.x (tools/fleet), gathered as clush -b does"
node tools/demo-fleet.mjs
