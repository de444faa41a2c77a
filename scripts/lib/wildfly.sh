# shellcheck shell=bash
# WildFly set-up shared by scripts/demo.sh and scripts/bench-wildfly.sh: source it after setting $root (the
# repository). Everything it makes lives under $root/target/wildfly (never committed):
#   target/wildfly/wildfly-<version>/   the distribution, unpacked once from org.wildfly:wildfly-dist (Maven)
#   target/wildfly/<name>/              one run's server base directory (configuration, deployments, log, data)
# Functions: wf_init NAME OFFSET, wf_tools, wf_build BUILD, wf_unpack, wf_check_ports, wf_start, wf_wait_started,
# wf_cli ARGS..., wf_stop, random_password, testkit_start ARGS..., testkit_send COMMAND, testkit_stop, pg_writer.

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
}

# wf_build BUILD: builds the rar and the application (mvn package, so ~/.m2 keeps its snapshots) unless BUILD
# is 0, and checks both are there; sets RAR and WAR.
wf_build() {
  if [ "$1" = 1 ]; then
    echo "Building the rar and the application (mvn package -DskipTests -pl rar,wildfly-app -am) ..."
    mvn -B -q -Dstyle.color=never -f "$root/pom.xml" -DskipTests -pl rar,wildfly-app -am package
  fi
  RAR="$root/rar/target/aws-advanced-jca.rar"
  WAR="$root/wildfly-app/target/awsjca-wildfly-app.war"
  local f
  for f in "$RAR" "$WAR"; do
    [ -f "$f" ] || { echo "missing ${f#"$root"/}: run without --no-build" >&2; return 1; }
  done
}

# A password for the application's login: random, given to WildFly only through its environment, never printed.
random_password() {
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24
}

# The distribution, unpacked from the Maven artifact like arquillian-tests does (first run: 249 MiB download).
wf_unpack() {
  if [ -x "$WF_HOME/bin/standalone.sh" ]; then
    return 0
  fi
  echo "Unpacking WildFly $WILDFLY_VERSION (org.wildfly:wildfly-dist from Maven) into ${WF_DIR#"$root"/} ..."
  mkdir -p "$WF_DIR"
  mvn -B -q -N -Dstyle.color=never -f "$root/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.11.0:unpack \
    -Dartifact="org.wildfly:wildfly-dist:$WILDFLY_VERSION:zip" -DoutputDirectory="$WF_DIR" || {
      echo "could not unpack org.wildfly:wildfly-dist:$WILDFLY_VERSION (mvn failed)" >&2
      return 1
    }
  [ -x "$WF_HOME/bin/standalone.sh" ] || { echo "no $WF_HOME/bin/standalone.sh after unpacking" >&2; return 1; }
}

# Every socket WildFly's standalone.xml opens, shifted by the offset: refuse to start when one is taken.
wf_check_ports() {
  local name base port
  for binding in http:8080 https:8443 ajp:8009 management-http:9990 management-https:9993 \
                 txn-recovery-environment:4712 txn-status-manager:4713; do
    name="${binding%%:*}"
    base="${binding##*:}"
    port=$((base + WF_OFFSET))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
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

# psql and curl, which the demo and the benchmark talk to the database and the application with: PSQL is set to
# psql from the PATH, $PG_BIN or /usr/lib/postgresql/*/bin (the Debian package postgresql-client-15 has it).
wf_tools() {
  PSQL="$(command -v psql || true)"
  if [ -z "$PSQL" ]; then
    for p in ${PG_BIN:+"$PG_BIN/psql"} /usr/lib/postgresql/*/bin/psql; do
      [ -x "$p" ] && { PSQL="$p"; break; }
    done
  fi
  [ -n "$PSQL" ] || { echo "psql is needed (Debian: apt-get install postgresql-client-15)" >&2; return 1; }
  command -v curl >/dev/null || { echo "curl is needed (Debian: apt-get install curl)" >&2; return 1; }
}

# ---- the testkit cluster, in a state directory of this run's own (a cluster you started by hand is left alone)

# testkit_start ARGS...: starts the cluster (scripts/testkit.sh start ARGS) and exports PGHOST/PGPORT/PGUSER/
# PGPASSWORD/PGDATABASE/PGSSLROOTCERT/TESTKIT_INSTANCE_HOST_PATTERN for psql and the configuration. Prints nothing
# secret.
testkit_start() {
  export TESTKIT_HOME="$WF_DIR/testkit-$WF_NAME"
  TESTKIT_STARTED=1
  "$root/scripts/testkit.sh" start "$@" >"$WF_DIR/testkit-$WF_NAME.status" || {
    cat "$WF_DIR/testkit-$WF_NAME.status" >&2
    return 1
  }
  local env
  env="$("$root/scripts/testkit.sh" env)" || return 1
  eval "$env"
  export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLROOTCERT TESTKIT_INSTANCE_HOST_PATTERN
}

testkit_stop() {
  [ -n "${TESTKIT_STARTED:-}" ] || return 0
  TESTKIT_HOME="$WF_DIR/testkit-$WF_NAME" timeout 60 "$root/scripts/testkit.sh" stop >/dev/null 2>&1 || true
  TESTKIT_STARTED=""
}

# testkit_send COMMAND: what `scripts/testkit.sh COMMAND` does, but straight to the cluster's daemon over its control
# socket from bash (no JVM to start first), so that the command runs within milliseconds of the call: the demo
# prints "crashing the writer" when the crash happens. Prints the daemon's answer; fails on its ERROR.
testkit_send() {
  local state="$TESTKIT_HOME/state.properties" port token line
  port="$(sed -n 's/^controlPort=//p' "$state")"
  token="$(sed -n 's/^token=//p' "$state")"
  [ -n "$port" ] && [ -n "$token" ] || { echo "testkit: no running cluster in $TESTKIT_HOME" >&2; return 1; }
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s\n%s\n' "$token" "$*" >&3
  while IFS= read -r line <&3; do
    case "$line" in
      OK) exec 3<&-; return 0 ;;
      "ERROR "*) echo "testkit: ${line#ERROR }" >&2; exec 3<&-; return 1 ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
  exec 3<&-
  echo "testkit: the daemon closed the connection without an answer" >&2
  return 1
}

# pg_writer: "<instance id> <host>:<port>" of the current writer, from the testkit's status.
pg_writer() {
  "$root/scripts/testkit.sh" status | awk '$4 == "writer" { print $3, $5; exit }'
}
