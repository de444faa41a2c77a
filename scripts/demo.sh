#!/usr/bin/env bash
# The main job: the resource adapter in a real WildFly (or Payara Server) against a local Aurora-like PostgreSQL
# cluster, an application writing orders in JTA transactions, a writer crash in the middle, and what the
# application saw.
#
#   scripts/demo.sh                     build, start the cluster and WildFly, run, crash, report, clean up
#   scripts/demo.sh --server payara     the same on Payara Server, configured with asadmin
#   scripts/demo.sh --port-offset 500   WildFly's ports shifted by 500 instead of 400 (or WILDFLY_PORT_OFFSET)
#   scripts/demo.sh --server payara --port-base 17000   Payara's port base instead of 16000 (or PAYARA_PORT_BASE)
#   scripts/demo.sh --threads 16 --before-crash 6 --after-crash 10 --no-build
#   scripts/demo.sh --driver            the older demo: the wrapper driver outside any server (scripts/demo-driver.sh)
#
# It builds the rar and the demo application (mvn package -DskipTests of the modules they need), unpacks the server
# under target/ from its Maven zip (org.wildfly:wildfly-dist, fish.payara.distributions:payara), starts the testkit
# cluster (writer + 2 replicas), configures the adapter as the guides tell a user (WildFly: jboss-cli in the
# resource-adapters subsystem, docs/WILDFLY.md; Payara: asadmin connector pool and resource, docs/PAYARA.md),
# deploys the rar and the application (wildfly-app, the same war on both), drives the workload with a progress
# line, runs `testkit failover` (crash the writer, promote a replica), then prints the application's account and
# checks it against the rows in the database with psql. The server and the cluster are stopped on exit, Ctrl-C and
# failure included; the server's log stays (target/wildfly/demo/log/, target/payara/demo/domains/awsjca/logs/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ "${1:-}" = "--driver" ]; then
  shift
  exec "$root/scripts/demo-driver.sh" "$@"
fi

server=wildfly
offset="${WILDFLY_PORT_OFFSET:-400}"
portbase="${PAYARA_PORT_BASE:-16000}"
threads=8
before_crash=6
after_crash=10
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="${2:?--server needs wildfly or payara}"; shift 2 ;;
    --port-offset) offset="${2:?--port-offset needs a number}"; shift 2 ;;
    --port-base) portbase="${2:?--port-base needs a number}"; shift 2 ;;
    --threads) threads="${2:?--threads needs a number}"; shift 2 ;;
    --before-crash) before_crash="${2:?--before-crash needs seconds}"; shift 2 ;;
    --after-crash) after_crash="${2:?--after-crash needs seconds}"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

case "$server" in
  wildfly) . "$root/scripts/lib/wildfly.sh"; server_init demo "$offset" ;;
  payara) . "$root/scripts/lib/payara.sh"; server_init demo "$portbase" ;;
  *) echo "unknown server '$server': wildfly or payara" >&2; exit 2 ;;
esac
run="$RUN_DIR/demo-run"
log_dir="$(dirname "${SERVER_LOG#"$root"/}")"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "${tty_line:-}" ] && printf '\n'
  if server_running || [ -n "${TESTKIT_STARTED:-}" ]; then
    echo "Cleaning up: stopping the server and the cluster ..."
    [ -n "${crash_pid:-}" ] && kill "$crash_pid" 2>/dev/null || true
    server_stop
    testkit_stop
    echo "  $SERVER_TITLE stopped (its log: $log_dir/), cluster stopped and its data removed."
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
"$root/scripts/ensure-postgresql.sh" >/dev/null
need_tools
build_rar_and_app "$build"
server_prepare
rm -rf "$run"
mkdir -p "$run"

# The application's database password: made up here, given to the server only through its environment (WildFly:
# config-property Password=${env.DB_PASSWORD}) or a password alias (Payara: Password=${ALIAS=app-db-password}),
# never printed.
DB_PASSWORD="$(random_password)"
export DB_PASSWORD

b0=$SECONDS
echo "Starting $SERVER_TITLE ($(server_ports)) and the testkit cluster ..."
server_start
testkit_start --replicas 2
read -r writer_id writer_addr < <(pg_writer)
echo "  cluster: writer instance $writer_id at $writer_addr, 2 replicas (synchronous replication), cluster endpoint $PGHOST:$PGPORT"
server_wait_started
echo "  $SERVER_TITLE up ($((SECONDS - b0)) s for both)"

# the application's database: a login of its own, a table with no key so that a doubled order shows up
"$PSQL" -q -X -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
SET log_statement = 'none';
CREATE ROLE app LOGIN PASSWORD '$DB_PASSWORD';
CREATE DATABASE orders OWNER app;
SQL
"$PSQL" -q -X -v ON_ERROR_STOP=1 -d orders >/dev/null <<'SQL'
CREATE TABLE orders (worker int NOT NULL, seq int NOT NULL, attempt int NOT NULL,
                     node text NOT NULL DEFAULT aurora_db_instance_identifier(),
                     committed_at timestamptz NOT NULL DEFAULT clock_timestamp());
ALTER TABLE orders OWNER TO app;
SQL

url="jdbc:aws-wrapper:postgresql://$PGHOST:$PGPORT/orders"
configure_wildfly() {
  local definition="/subsystem=resource-adapters/resource-adapter=aws-advanced-jca.rar/connection-definitions=orders"
  # the subsystem's activation first, then the rar: an activation added for an already deployed rar waits for a reload
  cat >"$run/configure.cli" <<CLI
batch
/subsystem=resource-adapters/resource-adapter=aws-advanced-jca.rar:add(archive=aws-advanced-jca.rar, transaction-support=XATransaction)
$definition:add(class-name=dev.awsjca.ra.AwsManagedConnectionFactory, jndi-name=java:/jdbc/orders, min-pool-size=0, max-pool-size=20, validate-on-match=true, recovery-username=app, recovery-password=\${env.DB_PASSWORD})
$definition/config-properties=Url:add(value="$url")
$definition/config-properties=User:add(value=app)
$definition/config-properties=Password:add(value=\${env.DB_PASSWORD})
$definition/config-properties=Plugins:add(value="failover,hostMonitoring")
$definition/config-properties=ClusterInstanceHostPattern:add(value="$TESTKIT_INSTANCE_HOST_PATTERN")
$definition/config-properties=FailoverTimeoutMs:add(value=30000)
run-batch
deploy $RAR --name=aws-advanced-jca.rar
deploy $WAR --name=app.war
CLI
  echo "Configuring the adapter (jboss-cli, ${run#"$root"/}/configure.cli) and deploying the rar and the application:"
  echo "  XA connection definition java:/jdbc/orders: Url=$url User=app Password=\${env.DB_PASSWORD}"
  echo "  Plugins=failover,hostMonitoring ClusterInstanceHostPattern=$TESTKIT_INSTANCE_HOST_PATTERN FailoverTimeoutMs=30000"
  echo "  xa-pool 0..20, validate-on-match, recovery credentials app / \${env.DB_PASSWORD}"
  wf_cli --file="$run/configure.cli" >"$run/configure.out" 2>&1
}
configure_payara() {
  local properties
  properties="$(pa_properties "Url=$url" User=app 'Password=${ALIAS=app-db-password}' Plugins=failover,hostMonitoring \
    "ClusterInstanceHostPattern=$TESTKIT_INSTANCE_HOST_PATTERN" FailoverTimeoutMs=30000)"
  echo "Configuring the adapter (asadmin, as docs/PAYARA.md; its answers in ${run#"$root"/}/configure.out) and deploying the rar and the application:"
  echo "  password alias app-db-password; connector pool orders (XATransaction, 0..20, validated on borrow, fail-all-connections)"
  echo "  Url=$url User=app Password=\${ALIAS=app-db-password}"
  echo "  Plugins=failover,hostMonitoring ClusterInstanceHostPattern=$TESTKIT_INSTANCE_HOST_PATTERN FailoverTimeoutMs=30000"
  echo "  connector resource jdbc/orders"
  {
    pa_password_alias app-db-password &&
    pa_asadmin deploy --type rar --name aws-advanced-jca "$RAR" &&
    pa_asadmin create-connector-connection-pool --raname aws-advanced-jca --connectiondefinition javax.sql.DataSource \
      --transactionsupport XATransaction --isconnectvalidatereq=true --failconnection=true --steadypoolsize=0 \
      --maxpoolsize=20 --property "$properties" orders &&
    pa_asadmin create-connector-resource --poolname orders jdbc/orders &&
    pa_asadmin ping-connection-pool orders &&
    pa_asadmin deploy --name app --contextroot app "$WAR"
  } >"$run/configure.out" 2>&1
}
case "$server" in
  wildfly) jndi=java:/jdbc/orders ;;
  payara) jndi=jdbc/orders ;;
esac
if ! "configure_$server"; then
  echo "configuring $SERVER_TITLE failed:" >&2
  cat "$run/configure.out" >&2
  exit 1
fi

# ---- the workload
status() { curl -sf --max-time 5 "$SERVER_URL/app/demo/status" || echo "unreachable"; }
field() { local k="$1" w; for w in $2; do case "$w" in "$k="*) echo "${w#*=}"; return ;; esac; done; echo ""; }

if ! curl -sS --fail-with-body --max-time 30 -X POST "$SERVER_URL/app/demo/start?threads=$threads&ds=$jndi" \
     >"$run/start.txt" 2>&1; then
  echo "the application did not start its workload (see $log_dir/server.log):" >&2
  head -c 2000 "$run/start.txt" >&2
  exit 1
fi
echo
echo "Workload: $threads application threads, each order one JTA transaction (UserTransaction begin,"
echo "getConnection, INSERT ... RETURNING the node, close, commit); a failed order is placed again under its key."
echo "The writer ($writer_id) crashes after ${before_crash} s; the workload runs ${after_crash} s more after the failover."
[ -t 1 ] && tty_line=1 || tty_line=""
start_ms=$(date +%s%3N)
prev_c=0; prev_ms=$start_ms; last_print=0
crash_pid=""; crash_done_ms=""; crash_at=""
while :; do
  sleep 0.5
  now=$(date +%s%3N)
  line="$(status)"
  c="$(field committed "$line")"; c="${c:-0}"
  rate=$(( (c - prev_c) * 1000 / (now - prev_ms > 0 ? now - prev_ms : 1) ))
  prev_c=$c; prev_ms=$now
  failures="$(field failures "$line")"
  msg=$(printf '  t=%4s s %6s tx/s  committed %6s  failed attempts %-4s last commit on %-3s  %s' \
        "$(( (now - start_ms) / 1000 )).$(( (now - start_ms) % 1000 / 100 ))" "$rate" "$c" "$(field failed "$line")" "$(field node "$line")" \
        "$([ "$failures" = "-" ] || echo "failures: ${failures//,/ }")")
  if [ -n "$tty_line" ]; then
    printf '\r%-150s' "${msg:0:150}"
  elif [ $((now - last_print)) -ge 1000 ]; then
    echo "$msg"; last_print=$now
  fi
  if [ "$line" = "unreachable" ]; then
    echo; echo "the application stopped answering (see $log_dir/server.log)" >&2
    exit 1
  fi
  elapsed=$((now - start_ms))
  if [ -z "$crash_pid" ] && [ -z "$crash_done_ms" ] && [ "$elapsed" -ge $((before_crash * 1000)) ]; then
    [ -n "$tty_line" ] && printf '\n'
    # straight to the testkit's daemon (no JVM start): the crash follows within milliseconds
    testkit_send failover >"$run/failover.txt" 2>&1 &
    crash_pid=$!
    echo "  >>> $(date +%T.%3N) crashing the writer $writer_id now (testkit failover: crash it, promote the most advanced replica)"
  fi
  if [ -n "$crash_pid" ] && ! kill -0 "$crash_pid" 2>/dev/null; then
    wait "$crash_pid" || { [ -n "$tty_line" ] && printf '\n'; echo "testkit failover failed:" >&2; cat "$run/failover.txt" >&2; exit 1; }
    crash_pid=""; crash_done_ms=$now
    # "<start> failover node1 (N ms): node2 (instance 12) promoted; crash A ms, promoted B ms, first write C ms"
    event="$(sed -n 1p "$run/failover.txt")"
    failover_t0="$(date -d "${event%% *}" +%s%3N)"
    step_ms() { local v; v="$(sed -n "s/.*$1 \([0-9]*\) ms.*/\1/p" <<<"$event")"; echo "${v:-0}"; }
    crash_at=$((failover_t0 + $(step_ms crash)))
    promoted_at=$((failover_t0 + $(step_ms promoted)))
    writable_at=$((failover_t0 + $(step_ms 'first write')))
    promoted="$(sed -n 's/.*: \(.*\) promoted;.*/\1/p' <<<"$event")"
    [ -n "$tty_line" ] && printf '\n'
    at() { date -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" +%T.%3N; }
    echo "  >>> $(at "$crash_at") the writer $writer_id crashed; $(at "$promoted_at") ${promoted:-a replica} promoted;" \
         "$(at "$writable_at") the new writer takes writes ($((writable_at - crash_at)) ms after the crash)"
  fi
  if [ -n "$crash_done_ms" ] && [ $((now - crash_done_ms)) -ge $((after_crash * 1000)) ]; then
    break
  fi
  if [ "$elapsed" -ge $(( (before_crash + after_crash + 60) * 1000 )) ]; then
    echo; echo "the failover did not finish in time; stopping" >&2
    break
  fi
done
[ -n "$tty_line" ] && printf '\n'
tty_line=""
read -r new_id new_addr < <(pg_writer)

echo
echo "Stopping the workload (each worker finishes its order) ..."
curl -sf --max-time 40 -X POST "$SERVER_URL/app/demo/stop?crashAt=${crash_at:-0}&oldWriter=$writer_id" >"$run/report.txt" \
  || { echo "the application did not answer the stop request" >&2; exit 1; }
sed 's/^/  /' "$run/report.txt"
curl -sf --max-time 20 "$SERVER_URL/app/demo/committed" >"$run/committed.csv"
curl -sf --max-time 20 "$SERVER_URL/app/demo/failures" >"$run/failures.txt" || true
if curl -sf --max-time 60 -o "$run/timeline.png" \
     "$SERVER_URL/app/demo/timeline.png?crashAt=${crash_at:-0}&promotedAt=${promoted_at:-0}&writableAt=${writable_at:-0}&oldWriter=$writer_id"; then
  echo "  timeline picture (commits per 100 ms by node, the failover's steps, each failure): ${run#"$root"/}/timeline.png"
else
  echo "  (the application could not draw the timeline picture; see $log_dir/server.log)"
fi
[ -s "$run/failures.txt" ] && echo "  (stack traces of the first failures: ${run#"$root"/}/failures.txt)"

# ---- the database's account, read with psql on the current writer, not through the adapter
read -r rows believed lost doubled unexpected < <("$PSQL" -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d orders <<SQL
CREATE TEMP TABLE believed (worker int, seq int);
\copy believed FROM '$run/committed.csv' WITH (FORMAT csv)
SELECT (SELECT count(*) FROM orders),
       (SELECT count(*) FROM believed),
       (SELECT count(*) FROM believed b WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.worker = b.worker AND o.seq = b.seq)),
       (SELECT count(*) FROM (SELECT 1 FROM orders GROUP BY worker, seq HAVING count(*) > 1) d),
       (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM believed b WHERE o.worker = b.worker AND o.seq = b.seq));
SQL
)
by_node="$("$PSQL" -X -q -At -F ' ' -d orders -c "SELECT node || ': ' || count(*) FROM orders GROUP BY node ORDER BY node" | paste -sd ' ' - | sed 's/ \([0-9]*:\)/, \1/g')"
echo
echo "The database (psql on the current writer $new_id at $new_addr, not through the adapter):"
echo "  rows in orders: $rows (by node: $by_node); orders the application believes committed: $believed"
echo "  committed orders missing from the database (lost):                               $lost"
echo "  orders present more than once (a transaction reported failed that did commit):   $doubled"
echo "  rows of orders the application does not believe committed:                       $unexpected"
if [ "$lost" = 0 ] && [ "$doubled" = 0 ] && [ "$unexpected" = 0 ] && [ "$rows" = "$believed" ]; then
  verdict="every order the application committed is in the database once; nothing lost or doubled"
else
  verdict="the database and the application DISAGREE (lost $lost, doubled $doubled, unexpected $unexpected)"
fi
echo "  => $verdict"

leaks=""
for f in "$SERVER_LOG" "$(dirname "$SERVER_LOG")/console.log" "$run/configure.out"; do
  if grep -qF -e "$DB_PASSWORD" -e "$PGPASSWORD" "$f" 2>/dev/null; then leaks="$leaks ${f#"$root"/}"; fi
done
echo "  passwords in the server's logs: ${leaks:-none}"
errors_in_log=$(server_error_lines | wc -l)
echo "  error records in server.log: $errors_in_log ($log_dir/server.log)"

echo
echo "Summary:"
echo "  $(head -1 "$run/report.txt" | sed 's/^The application/application/')"
grep -o 'crash -> first commit on.*' "$run/report.txt" | sed 's/^/  /' || echo "  crash -> first commit on a new writer: unknown"
echo "  testkit: $(sed -n 1p "$run/failover.txt" 2>/dev/null | cut -d' ' -f2-)"
grep -o 'commits whose outcome.*' "$run/report.txt" | sed 's/^/  /' || true
echo "  database: $verdict"
[ -s "$run/timeline.png" ] && echo "  timeline: $run/timeline.png"
echo "Demo done in $((SECONDS - t0)) s."
