# shellcheck shell=bash
# WildFly set-up shared by scripts/demo.sh and scripts/bench-server.sh: source it after setting $root (the
# repository). Everything it makes lives under $root/target/wildfly (never committed):
#   target/wildfly/wildfly-<version>/   the distribution, unpacked once from org.wildfly:wildfly-dist (Maven)
#   target/wildfly/<name>/              one run's server base directory (configuration, deployments, log, data)
# Functions: wf_init NAME OFFSET, wf_unpack, wf_check_ports, wf_start, wf_wait_started, wf_cli ARGS..., wf_stop;
# the server_* names scripts/lib/payara.sh has too; and those of scripts/lib/cluster.sh (tools, build, testkit).

# shellcheck source=cluster.sh
. "$root/scripts/lib/cluster.sh"

WILDFLY_VERSION="$(sed -n 's:.*<wildfly.version>\(.*\)</wildfly.version>.*:\1:p' "$root/pom.xml" | head -1)"
WF_DIR="$root/target/wildfly"
WF_HOME="$WF_DIR/wildfly-$WILDFLY_VERSION"

# wf_init NAME OFFSET: names this run's server base directory and port offset.
wf_init() {
  WF_NAME="$1"
  WF_OFFSET="$2"
  case "$WF_OFFSET" in
    ''|*[!0-9]*) echo "the port offset must be a whole number, not '$WF_OFFSET'" >&2; return 2 ;;
  esac
  if [ "$WF_OFFSET" -gt 55000 ]; then
    echo "port offset $WF_OFFSET is too large (WildFly's ports would pass 65535)" >&2
    return 2
  fi
  WF_BASE="$WF_DIR/$WF_NAME"
  WF_MGMT_PORT=$((9990 + WF_OFFSET))
  WF_HTTP_PORT=$((8080 + WF_OFFSET))
  WF_URL="http://127.0.0.1:$WF_HTTP_PORT"
  WF_PID=""
  WF_LAUNCHER=""
  RUN_DIR="$WF_DIR"
  RUN_NAME="$WF_NAME"
}

# The distribution, unpacked from the Maven artifact like arquillian-tests does (first run: 249 MiB download).
wf_unpack() {
  maven_unpack "org.wildfly:wildfly-dist:$WILDFLY_VERSION:zip" "$WF_DIR" "$WF_HOME/bin/standalone.sh"
}

# Every socket WildFly's standalone.xml opens, shifted by the offset: refuse to start when one is taken.
wf_check_ports() {
  local name base port
  for binding in http:8080 https:8443 ajp:8009 management-http:9990 management-https:9993 \
                 txn-recovery-environment:4712 txn-status-manager:4713; do
    name="${binding%%:*}"
    base="${binding##*:}"
    port=$((base + WF_OFFSET))
    if port_taken "$port"; then
      echo "port $port is taken (WildFly's $name socket, $base + port offset $WF_OFFSET): something already listens there." >&2
      echo "Stop it, or choose another offset: --port-offset N (or WILDFLY_PORT_OFFSET=N)." >&2
      return 1
    fi
  done
}

# A fresh server base directory (configuration from the distribution, nothing deployed) and the server
# started in the background on 127.0.0.1 with the port offset. Does not wait: see wf_wait_started.
wf_start() {
  rm -rf "$WF_BASE"
  mkdir -p "$WF_BASE/deployments" "$WF_BASE/log"
  cp -r "$WF_HOME/standalone/configuration" "$WF_BASE/"
  rm -rf "$WF_BASE/configuration/standalone_xml_history"
  # AWS_EC2_METADATA_DISABLED: the AWS SDK in the rar must never ask the instance metadata address
  JAVA_OPTS="-Xms256m -Xmx${WF_XMX:-512m} -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=256m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true" \
  JBOSS_PIDFILE="$WF_BASE/wildfly.pid" LAUNCH_JBOSS_IN_BACKGROUND=1 AWS_EC2_METADATA_DISABLED=true \
    "$WF_HOME/bin/standalone.sh" -Djboss.server.base.dir="$WF_BASE" \
      -Djboss.socket.binding.port-offset="$WF_OFFSET" -b 127.0.0.1 -bmanagement 127.0.0.1 \
      >"$WF_BASE/log/console.log" 2>&1 </dev/null &
  WF_LAUNCHER=$!
}

# Waits until the server says it started (WFLYSRV0025), or fails with what its log says.
wf_wait_started() {
  local deadline=$((SECONDS + ${1:-120}))
  local log="$WF_BASE/log/server.log"
  while [ $SECONDS -lt $deadline ]; do
    [ -f "$WF_BASE/wildfly.pid" ] && WF_PID="$(cat "$WF_BASE/wildfly.pid" 2>/dev/null || true)"
    if [ -f "$log" ] && grep -q 'WFLYSRV0025\|WFLYSRV0026' "$log"; then
      if grep -q 'WFLYSRV0026' "$log"; then
        echo "WildFly started with errors; see ${log#"$root"/}:" >&2
        grep -E ' ERROR ' "$log" | head -5 >&2
        return 1
      fi
      return 0
    fi
    if ! kill -0 "$WF_LAUNCHER" 2>/dev/null; then
      echo "WildFly stopped while starting; ${WF_BASE#"$root"/}/log/console.log says:" >&2
      grep -E 'Address already in use|ERROR|Exception' "$WF_BASE/log/console.log" "$log" 2>/dev/null | head -8 >&2
      return 1
    fi
    sleep 0.3
  done
  echo "WildFly did not start within ${1:-120} s; see ${log#"$root"/}" >&2
  return 1
}

# jboss-cli connected to this run's server (local authentication: same OS user, no management user needed).
wf_cli() {
  JAVA_OPTS="-Xmx128m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true" \
    "$WF_HOME/bin/jboss-cli.sh" --connect --controller="127.0.0.1:$WF_MGMT_PORT" --timeout=30000 "$@"
}

# Stops the server this run started (management :shutdown, then its pid if it lingers). Quiet; safe to repeat.
wf_stop() {
  [ -n "${WF_LAUNCHER:-}" ] || return 0
  [ -z "${WF_PID:-}" ] && [ -f "$WF_BASE/wildfly.pid" ] && WF_PID="$(cat "$WF_BASE/wildfly.pid" 2>/dev/null || true)"
  if kill -0 "$WF_LAUNCHER" 2>/dev/null || { [ -n "$WF_PID" ] && kill -0 "$WF_PID" 2>/dev/null; }; then
    timeout 20 env JAVA_OPTS="-Xmx128m -XX:TieredStopAtLevel=1" "$WF_HOME/bin/jboss-cli.sh" --connect \
      --controller="127.0.0.1:$WF_MGMT_PORT" --command=:shutdown >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 50); do
      if { [ -z "$WF_PID" ] || ! kill -0 "$WF_PID" 2>/dev/null; } && ! kill -0 "$WF_LAUNCHER" 2>/dev/null; then
        break
      fi
      sleep 0.2
    done
    [ -n "$WF_PID" ] && kill "$WF_PID" 2>/dev/null || true
    kill "$WF_LAUNCHER" 2>/dev/null || true
    sleep 0.5
    [ -n "$WF_PID" ] && kill -9 "$WF_PID" 2>/dev/null || true
  fi
  WF_LAUNCHER=""
}


# ---- what scripts/demo.sh and scripts/bench-server.sh ask of either server (scripts/lib/payara.sh has the same)
SERVER_TITLE="WildFly $WILDFLY_VERSION"
server_init() { wf_init "$@"; SERVER_LOG="$WF_BASE/log/server.log"; SERVER_URL="$WF_URL"; }
server_prepare() { wf_unpack && wf_check_ports; }
server_start() { wf_start; }
server_wait_started() { wf_wait_started "$@"; }
server_stop() { wf_stop; }
server_running() { [ -n "${WF_LAUNCHER:-}" ]; }
server_pid() { echo "$WF_PID"; }
server_ports() { echo "port offset $WF_OFFSET: http $WF_HTTP_PORT, management $WF_MGMT_PORT"; }
# lines of server.log that report an error
server_error_lines() { grep ' ERROR ' "$SERVER_LOG" 2>/dev/null || true; }
