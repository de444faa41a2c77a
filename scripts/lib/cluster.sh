# shellcheck shell=bash
# What the server scripts (scripts/demo.sh, scripts/bench-server.sh) share whichever server they run: the tools
# they talk to the database and the application with, the build of the rar and the application, a password, and
# the testkit cluster in a state directory of the run's own. Sourced by scripts/lib/wildfly.sh and
# scripts/lib/payara.sh, which set RUN_DIR (under target/) and RUN_NAME in their *_init.
# Functions: need_tools, build_rar_and_app BUILD, maven_unpack ARTIFACT DIR CHECK, port_taken PORT, random_password,
# testkit_start ARGS..., testkit_send COMMAND, testkit_stop, pg_writer.

# build_rar_and_app BUILD: builds the rar and the application (mvn package, so ~/.m2 keeps its snapshots) unless
# BUILD is 0, and checks both are there; sets RAR and WAR. The same war runs on WildFly and Payara.
build_rar_and_app() {
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

# maven_unpack GROUP:ARTIFACT:VERSION:TYPE DIR CHECK: a server distribution unpacked from Maven into DIR once (CHECK,
# an executable it holds, says whether it is there already), as the test modules unpack theirs. overWriteReleases:
# the plugin remembers an unpack by a marker under target/ and would skip it when only the server's files were removed.
maven_unpack() {
  [ -x "$3" ] && return 0
  echo "Unpacking $1 (from Maven) into ${2#"$root"/} ..."
  mkdir -p "$2"
  mvn -B -q -N -Dstyle.color=never -f "$root/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.11.0:unpack \
    -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.overWriteReleases=true || { echo "could not unpack $1 (mvn failed)" >&2; return 1; }
  [ -x "$3" ] || { echo "no ${3#"$root"/} after unpacking $1" >&2; return 1; }
}

# port_taken PORT: true when something listens on 127.0.0.1:PORT (a server's port check before it starts).
port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A password for the application's login: random, given to the server only through its environment or a password
# alias, never printed.
random_password() {
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24
}

# psql and curl, which the demo and the benchmark talk to the database and the application with: PSQL is set to
# psql from the PATH, $PG_BIN or /usr/lib/postgresql/*/bin (the Debian package postgresql-client-15 has it).
need_tools() {
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
  export TESTKIT_HOME="$RUN_DIR/testkit-$RUN_NAME"
  TESTKIT_STARTED=1
  "$root/scripts/testkit.sh" start "$@" >"$RUN_DIR/testkit-$RUN_NAME.status" || {
    cat "$RUN_DIR/testkit-$RUN_NAME.status" >&2
    return 1
  }
  local env
  env="$("$root/scripts/testkit.sh" env)" || return 1
  eval "$env"
  export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLROOTCERT TESTKIT_INSTANCE_HOST_PATTERN
}

testkit_stop() {
  [ -n "${TESTKIT_STARTED:-}" ] || return 0
  TESTKIT_HOME="$RUN_DIR/testkit-$RUN_NAME" timeout 60 "$root/scripts/testkit.sh" stop >/dev/null 2>&1 || true
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
