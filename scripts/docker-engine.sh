# shellcheck shell=bash
# A private Docker engine for one of our scripts (scripts/attest-docker,
# scripts/bench, scripts/test's parity suite).  Sourced, not run.
#
#   attest_docker_engine_start DATA_ROOT
#       Root only.  Starts dockerd without systemd, on a socket, exec root
#       and pid file of its own (a fresh /run/sandbox-attest-dockerd.XXXXXX)
#       and with DATA_ROOT as its data root, so it never touches another
#       engine: a second dockerd on the default socket would replace that
#       engine's socket even when it fails to start, and two engines must
#       not share a data root (each caller passes its own).  No iptables,
#       no bridge (no systemd, no network needed: the reference run is
#       --network none) and a private cgroup namespace by default: Docker
#       20.10 on cgroup v1 otherwise shares the host's (PR-NS-1).
#       Waits until it answers (30 s).  Sets ATTEST_DOCKERD_PID and
#       ATTEST_DOCKERD_STATE and exports DOCKER_HOST.  On failure: the
#       log's tail on stderr, the engine stopped, status 1.
#   attest_docker_engine_stop
#       Stops the engine started above by its pid (SIGTERM, then SIGKILL
#       after 20 s), removes its state folder.  Does nothing when none
#       was started; safe to call twice (traps).

ATTEST_DOCKERD_PID=
ATTEST_DOCKERD_STATE=

attest_docker_engine_start() {
  local data_root=$1
  [ "$(id -u)" = 0 ] || { echo "docker-engine: only root may start dockerd" >&2; return 1; }
  command -v dockerd >/dev/null || { echo "docker-engine: dockerd is not installed (apt-get install docker.io)" >&2; return 1; }
  ATTEST_DOCKERD_STATE=$(mktemp -d /run/sandbox-attest-dockerd.XXXXXX)
  dockerd --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
    --default-cgroupns-mode private \
    -H "unix://$ATTEST_DOCKERD_STATE/docker.sock" --exec-root "$ATTEST_DOCKERD_STATE/exec" \
    --data-root "$data_root" --pidfile "$ATTEST_DOCKERD_STATE/dockerd.pid" \
    </dev/null >"$ATTEST_DOCKERD_STATE/dockerd.log" 2>&1 &
  ATTEST_DOCKERD_PID=$!
  export DOCKER_HOST=unix://$ATTEST_DOCKERD_STATE/docker.sock
  local _
  for _ in $(seq 100); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$ATTEST_DOCKERD_PID" 2>/dev/null || break
    sleep 0.3
  done
  tail -n 5 "$ATTEST_DOCKERD_STATE/dockerd.log" >&2
  echo "docker-engine: the dockerd started here (pid $ATTEST_DOCKERD_PID) did not answer" >&2
  attest_docker_engine_stop
  return 1
}

attest_docker_engine_stop() {
  local pid=$ATTEST_DOCKERD_PID _
  [ -n "$pid" ] || return 0
  ATTEST_DOCKERD_PID=
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "docker-engine: dockerd (pid $pid) ignored SIGTERM for 20 s; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  [ -z "$ATTEST_DOCKERD_STATE" ] || rm -rf "$ATTEST_DOCKERD_STATE"
  ATTEST_DOCKERD_STATE=
}

