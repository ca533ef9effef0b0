#!/usr/bin/env bash
# Starts or stops the failover cluster of the fault tests: a Redis Cluster
# of 3 masters and 3 replicas on private ports, with a short
# cluster-node-timeout so that a killed master's replica is promoted in
# about 2 s. Each node runs from its own redis.conf, so that a test that
# SIGKILLs a node can start it again with `redis-server <config_file>`
# (internal/faults.KillMaster does).
#
#   .ci/failover-cluster.sh start DIR   starts it, data under DIR; prints
#                                       the node list, host:port,...
#   .ci/failover-cluster.sh stop        stops it
#
# Ports: STORE_FAILOVER_PORTS (default "7490 7491 7492 7493 7494 7495");
# node timeout: STORE_FAILOVER_NODE_TIMEOUT ms (default 1000).
set -euo pipefail
read -r -a ports <<<"${STORE_FAILOVER_PORTS:-7490 7491 7492 7493 7494 7495}"
timeout_ms=${STORE_FAILOVER_NODE_TIMEOUT:-1000}

stop() {
  for port in "${ports[@]}"; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
}

healthy() { # every node: cluster_state:ok; every master: one replica online
  for port in "${ports[@]}"; do
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
    [ "$(redis-cli -p "$port" cluster nodes 2>/dev/null | grep -cE '[ ,]slave ')" -ge 3 ] || return 1
    local repl
    repl=$(redis-cli -p "$port" info replication 2>/dev/null) || return 1
    if grep -q 'role:master' <<<"$repl"; then
      grep -q 'connected_slaves:1' <<<"$repl" || return 1
    else
      grep -q 'master_link_status:up' <<<"$repl" || return 1
    fi
  done
}

start() {
  local dir=$1
  for port in "${ports[@]}"; do
    mkdir -p "$dir/$port"
    cat >"$dir/$port/redis.conf" <<CONF
port $port
bind 127.0.0.1
daemonize yes
save ""
appendonly no
dir $dir/$port
logfile $dir/$port/log
cluster-enabled yes
cluster-config-file $dir/$port/nodes.conf
cluster-node-timeout $timeout_ms
cluster-replica-validity-factor 0
CONF
    redis-server "$dir/$port/redis.conf"
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do
      redis-cli -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") \
    --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 ||
    { cat "$dir/create.log" >&2; exit 1; }
  for _ in $(seq 1 300); do
    healthy && { local list; list=$(printf '127.0.0.1:%s,' "${ports[@]}"); echo "${list%,}"; return 0; }
    sleep 0.1
  done
  echo "the failover cluster did not become healthy:" >&2
  for port in "${ports[@]}"; do redis-cli -p "$port" cluster nodes >&2 || true; done
  exit 1
}

case "${1:-}" in
  start) start "${2:?usage: $0 start DIR}" ;;
  stop) stop ;;
  *) echo "usage: $0 start DIR | stop" >&2; exit 2 ;;
esac
