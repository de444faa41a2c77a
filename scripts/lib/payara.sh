# shellcheck shell=bash
# Payara Server set-up for scripts/demo.sh and scripts/bench-server.sh (--server payara): source it after setting
# $root (the repository). Everything it makes lives under $root/target/payara (never committed):
#   target/payara/payara6/          the distribution, unpacked once from fish.payara.distributions:payara (Maven)
#   target/payara/<name>/           one run's domain directory (domains/awsjca), asadmin's own user.home
# Like the tests (payara-tests, docs/PAYARA.md), the domain is made with asadmin create-domain and patched before
# its first start (payara-tests' DomainXmlPatch.java, run as a source file) so that it calls nothing outside this
# machine: phone-home and the Hazelcast data grid off, every listener on 127.0.0.1. The distribution's own domain1
# is never started.
# Functions: pa_init NAME PORTBASE, pa_unpack, pa_check_ports, pa_start, pa_wait_started, pa_asadmin ARGS..., pa_password_alias
# NAME (the value from $DB_PASSWORD), pa_properties NAME=VALUE..., pa_stop; the server_* names of
# scripts/lib/wildfly.sh; and those of scripts/lib/cluster.sh.

# shellcheck source=cluster.sh
. "$root/scripts/lib/cluster.sh"

PAYARA_VERSION="$(sed -n 's:.*<payara.version>\(.*\)</payara.version>.*:\1:p' "$root/payara-tests/pom.xml" | head -1)"
PA_DIR="$root/target/payara"
PA_HOME="$PA_DIR/payara6"
PA_DOMAIN=awsjca

# pa_init NAME PORTBASE: names this run's directory and port base (admin = base + 48, HTTP = base + 80).
pa_init() {
  PA_NAME="$1"
  PA_PORTBASE="$2"
  case "$PA_PORTBASE" in
    ''|*[!0-9]*) echo "the port base must be a whole number, not '$PA_PORTBASE'" >&2; return 2 ;;
  esac
  if [ "$PA_PORTBASE" -lt 1024 ] || [ "$PA_PORTBASE" -gt 65400 ]; then
    echo "port base $PA_PORTBASE is out of range (1024..65400: Payara's ports go up to base + 100)" >&2
    return 2
  fi
  PA_BASE="$PA_DIR/$PA_NAME"
  PA_DOMAINS="$PA_BASE/domains"
  PA_ADMIN_PORT=$((PA_PORTBASE + 48))
  PA_HTTP_PORT=$((PA_PORTBASE + 80))
  PA_URL="http://127.0.0.1:$PA_HTTP_PORT"
  PA_STARTED=""
  RUN_DIR="$PA_DIR"
  RUN_NAME="$PA_NAME"
}

# The distribution, unpacked from the Maven artifact as payara-tests does (first run: ~150 MiB download).
pa_unpack() {
  maven_unpack "fish.payara.distributions:payara:$PAYARA_VERSION:zip" "$PA_DIR" "$PA_HOME/bin/asadmin"
}

# The ports a domain made with this base listens on (create-domain --portbase): refuse to start when one is taken.
pa_check_ports() {
  local name off port
  for binding in admin:48 http:80 https:81 iiop:37 iiop-ssl:38 iiop-mutual:39 jms:76 jmx:86 osgi:66 debug:9; do
    name="${binding%%:*}"
    off="${binding##*:}"
    port=$((PA_PORTBASE + off))
    if port_taken "$port"; then
      echo "port $port is taken (Payara's $name port, base $PA_PORTBASE + $off): something already listens there." >&2
      echo "Stop it, or choose another base: --port-base N (or PAYARA_PORT_BASE=N)." >&2
      return 1
    fi
  done
}

# asadmin with a user.home of its own (it writes ~/.gfclient and ~/.asadmintruststore) and no instance metadata.
pa_asadmin_local() {
  AS_EXTRA_JAVA_OPTS="-Duser.home=$PA_BASE/home" AWS_EC2_METADATA_DISABLED=true "$PA_HOME/bin/asadmin" "$@"
}

# A remote command against this run's domain.
pa_asadmin() {
  pa_asadmin_local --host 127.0.0.1 --port "$PA_ADMIN_PORT" --interactive=false "$@"
}

# A fresh domain (create-domain, patched for this machine before its first start; pgjdbc in its lib directory when
# PA_EXTRA_LIB names a jar) and the server started, in the background: see pa_wait_started.
pa_start() {
  rm -rf "$PA_BASE"
  mkdir -p "$PA_BASE/home"
  PA_STARTED=1
  pa_create_and_start >"$PA_BASE/start.out" 2>&1 </dev/null &
  PA_STARTER=$!
}

pa_create_and_start() {
  pa_asadmin_local create-domain --domaindir "$PA_DOMAINS" --portbase "$PA_PORTBASE" --nopassword "$PA_DOMAIN" || {
    echo "asadmin create-domain failed"; return 1; }
  java "$root/payara-tests/src/test/java/dev/awsjca/payara/DomainXmlPatch.java" "$PA_DOMAINS/$PA_DOMAIN/config/domain.xml" || {
    echo "could not patch the domain's domain.xml for this machine"; return 1; }
  if [ -n "${PA_EXTRA_LIB:-}" ]; then
    cp "$PA_EXTRA_LIB" "$PA_DOMAINS/$PA_DOMAIN/lib/" || return 1
  fi
  pa_asadmin_local start-domain --domaindir "$PA_DOMAINS" "$PA_DOMAIN" || { echo "asadmin start-domain failed"; return 1; }
}

# Waits until pa_start's create-domain and start-domain are done, or fails with what they and the log say.
pa_wait_started() {
  if ! wait "$PA_STARTER"; then
    echo "Payara did not start (${PA_BASE#"$root"/}/start.out):" >&2
    tail -20 "$PA_BASE/start.out" >&2
    grep -E 'SEVERE|Address already in use' "$PA_DOMAINS/$PA_DOMAIN/logs/server.log" 2>/dev/null | head -5 >&2
    return 1
  fi
}

# pa_password_alias NAME: a password alias of the domain holding $DB_PASSWORD, passed in a file deleted at once, so
# that neither a command line nor domain.xml holds the password (pools say Password=${ALIAS=NAME}).
pa_password_alias() {
  local file="$PA_BASE/alias-password.txt" rc=0
  (umask 077; printf 'AS_ADMIN_ALIASPASSWORD=%s\n' "$DB_PASSWORD" >"$file")
  pa_asadmin --passwordfile "$file" create-password-alias "$1" >/dev/null || rc=$?
  rm -f "$file"
  return "$rc"
}

# pa_properties NAME=VALUE...: the --property argument of asadmin, with its escaping of '\', ':' and '=' in values.
pa_properties() {
  local out="" pair name value
  for pair in "$@"; do
    name="${pair%%=*}"
    value="${pair#*=}"
    value="${value//\\/\\\\}"
    value="${value//:/\\:}"
    value="${value//=/\\=}"
    out="${out:+$out:}$name=$value"
  done
  printf '%s' "$out"
}

# Stops the domain this run started. Quiet; safe to repeat.
pa_stop() {
  [ -n "${PA_STARTED:-}" ] || return 0
  [ -n "${PA_STARTER:-}" ] && kill "$PA_STARTER" 2>/dev/null && wait "$PA_STARTER" 2>/dev/null
  timeout 60 env AS_EXTRA_JAVA_OPTS="-Duser.home=$PA_BASE/home" "$PA_HOME/bin/asadmin" stop-domain \
    --domaindir "$PA_DOMAINS" "$PA_DOMAIN" >/dev/null 2>&1 || true
  local pid
  pid="$(cat "$PA_DOMAINS/$PA_DOMAIN/config/pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  PA_STARTED=""
}

# ---- what scripts/demo.sh and scripts/bench-server.sh ask of either server (scripts/lib/wildfly.sh has the same)
SERVER_TITLE="Payara Server $PAYARA_VERSION"
server_init() { pa_init "$@"; SERVER_LOG="$PA_DOMAINS/$PA_DOMAIN/logs/server.log"; SERVER_URL="$PA_URL"; }
server_prepare() { pa_unpack && pa_check_ports; }
server_start() { pa_start; }
server_wait_started() { pa_wait_started; }
server_stop() { pa_stop; }
server_running() { [ -n "${PA_STARTED:-}" ]; }
server_pid() { cat "$PA_DOMAINS/$PA_DOMAIN/config/pid" 2>/dev/null; }
server_ports() { echo "port base $PA_PORTBASE: http $PA_HTTP_PORT, admin $PA_ADMIN_PORT"; }
# records of server.log that report an error (Payara's level SEVERE)
server_error_lines() { grep 'SEVERE' "$SERVER_LOG" 2>/dev/null || true; }
