#!/usr/bin/env bash
# The soak: WildFly with the rar under the demo's order workload and a read workload for a long time, a fault every
# 2 minutes, samples every 10 s; passes when every sample stays within its fixed bound, nothing grows steadily,
# server.log has no ERROR and no order is lost or doubled (docs/RELIABILITY.md, "Soak").
#
#   scripts/soak.sh --minutes 30                 the long run (a fault every 2 minutes: 14 faults)
#   scripts/soak.sh --minutes 4 --fault-every 30 a short one, every kind of fault once
#   options: --threads 8 (order workers) --readers 4 --sample-every 10 --seed N --port-offset 460 --no-build
#
# Faults, in turn (the bank's, reliability's FaultKind, but the Secrets Manager outage: the definitions here take
# their password from the server's environment): writer crash + promotion, writer blackhole 2 s + promotion, lost
# replies 1 s then writer crash, a replica crashed for 2 s, switchover, a node's latency at 500 ms for 5 s; after each
# one the cluster is healed (crashed nodes rejoin as replicas). The seed chooses the replica and the slow node.
#
# Each sample: the adapter's threads (names aws-jca-*) and all threads of the server, the heap used after a full GC
# (the management API's platform MBeans), the sessions of the application's login on each node and of the adapter's
# monitors among them (pg_stat_activity on each node's own port, past the fault proxy), prepared transactions, the
# connections both pools hold and lend (pool statistics), orders committed and reads done (the application's
# counters). Results in target/soak/<time>/: samples.csv, faults.csv, end.properties, verdict.txt, soak.png; the
# server's log stays in target/wildfly/soak/log/. The server and the cluster are stopped on exit, Ctrl-C included.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

minutes=30
fault_every=120
sample_every=10
threads=8
readers=4
seed=$(( $(date +%s) % 100000 ))
offset="${WILDFLY_PORT_OFFSET:-460}"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a number}"; shift 2 ;;
    --fault-every) fault_every="${2:?--fault-every needs seconds}"; shift 2 ;;
    --sample-every) sample_every="${2:?--sample-every needs seconds}"; shift 2 ;;
    --threads) threads="${2:?--threads needs a number}"; shift 2 ;;
    --readers) readers="${2:?--readers needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --port-offset) offset="${2:?--port-offset needs a number}"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

. "$root/scripts/lib/wildfly.sh"
. "$root/scripts/lib/soak.sh"
server_init soak "$offset"
SOAK_DIR="$root/target/soak/$(date -u +%Y%m%d-%H%M%S)"
SOAK_SEED="$seed"
RANDOM="$seed"
log_dir="$(dirname "${SERVER_LOG#"$root"/}")"
fault_pid=""
sampler_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in $fault_pid $sampler_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if server_running || [ -n "${TESTKIT_STARTED:-}" ]; then
    echo "Cleaning up: stopping the server and the cluster ..."
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
command -v jq >/dev/null || { echo "jq is needed to read the management API's answers (Debian: apt-get install jq)" >&2; exit 1; }
if [ "$build" = 1 ]; then
  echo "Building the rar, the application and the soak's report (mvn package -DskipTests -pl rar,wildfly-app,reliability -am) ..."
  mvn -B -q -Dstyle.color=never -f "$root/pom.xml" -DskipTests -pl rar,wildfly-app,reliability -am package \
    dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
fi
build_rar_and_app 0
[ -f "$root/reliability/target/runtime.classpath" ] || { echo "missing reliability/target/runtime.classpath: run without --no-build" >&2; exit 1; }
server_prepare
mkdir -p "$SOAK_DIR"
echo "Results: ${SOAK_DIR#"$root"/}/ (seed $seed)"

# the application's password: made up here, given to the server only through its environment, never printed
DB_PASSWORD="$(random_password)"
export DB_PASSWORD
b0=$SECONDS
echo "Starting $SERVER_TITLE ($(server_ports)) and the testkit cluster ..."
server_start
soak_mgmt_user
testkit_start --replicas 2
SOAK_NODES="$(soak_nodes)"
mapfile -t SOAK_NODE_NAMES < <(awk '{ print $1 }' <<<"$SOAK_NODES")
[ "${#SOAK_NODE_NAMES[@]}" -gt 0 ] || { echo "the testkit's status names no node" >&2; exit 1; }
echo "  cluster: $(awk '{ printf "%s%s (instance %s, %s)", sep, $1, $2, $3; sep = ", " }' <<<"$SOAK_NODES"); cluster endpoint $PGHOST:$PGPORT"
server_wait_started
echo "  $SERVER_TITLE up ($((SECONDS - b0)) s for both)"

# The orders table of the demo (no key, so that a doubled order shows) with an index for the reads and the checks:
# half an hour of orders is a million rows.
"$PSQL" -q -X -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
SET log_statement = 'none';
CREATE ROLE app LOGIN PASSWORD '$DB_PASSWORD';
CREATE DATABASE orders OWNER app;
SQL
"$PSQL" -q -X -v ON_ERROR_STOP=1 -d orders >/dev/null <<'SQL'
CREATE TABLE orders (worker int NOT NULL, seq int NOT NULL, attempt int NOT NULL,
                     node text NOT NULL DEFAULT aurora_db_instance_identifier(),
                     committed_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE INDEX orders_worker_seq ON orders (worker, seq);
ALTER TABLE orders OWNER TO app;
SQL

# Two XA connection definitions on the cluster endpoint, as docs/WILDFLY.md and docs/READ-WRITE-SPLITTING.md configure
# them: orders (the writer) and orders-reader (Role=reader); pool statistics on, for the samples.
url="jdbc:aws-wrapper:postgresql://$PGHOST:$PGPORT/orders"
writer_pool=20
reader_pool=10
ra="/subsystem=resource-adapters/resource-adapter=$SOAK_RA"
{
  echo "batch"
  echo "$ra:add(archive=$SOAK_RA, transaction-support=XATransaction, statistics-enabled=true)"
  for d in orders:"failover,hostMonitoring":$writer_pool orders-reader:"readWriteSplitting,failover,hostMonitoring":$reader_pool; do
    IFS=: read -r name plugins max <<<"$d"
    cd="$ra/connection-definitions=$name"
    echo "$cd:add(class-name=dev.awsjca.ra.AwsManagedConnectionFactory, jndi-name=java:/jdbc/$name, min-pool-size=0, max-pool-size=$max, validate-on-match=true, recovery-username=app, recovery-password=\${env.DB_PASSWORD})"
    echo "$cd/config-properties=Url:add(value=\"$url\")"
    echo "$cd/config-properties=User:add(value=app)"
    echo "$cd/config-properties=Password:add(value=\${env.DB_PASSWORD})"
    echo "$cd/config-properties=Plugins:add(value=\"$plugins\")"
    echo "$cd/config-properties=ClusterInstanceHostPattern:add(value=\"$TESTKIT_INSTANCE_HOST_PATTERN\")"
    echo "$cd/config-properties=FailoverTimeoutMs:add(value=30000)"
    [ "$name" = orders-reader ] && echo "$cd/config-properties=Role:add(value=reader)"
  done
  echo "run-batch"
  echo "deploy $RAR --name=$SOAK_RA"
  echo "deploy $WAR --name=app.war"
} >"$SOAK_DIR/configure.cli"
echo "Configuring the adapter (jboss-cli, ${SOAK_DIR#"$root"/}/configure.cli): java:/jdbc/orders (failover,hostMonitoring,"
echo "  xa-pool 0..$writer_pool) and java:/jdbc/orders-reader (Role=reader, readWriteSplitting,failover,hostMonitoring, 0..$reader_pool)"
if ! wf_cli --file="$SOAK_DIR/configure.cli" >"$SOAK_DIR/configure.out" 2>&1; then
  echo "configuring $SERVER_TITLE failed:" >&2
  cat "$SOAK_DIR/configure.out" >&2
  exit 1
fi

curl -sS --fail-with-body --max-time 30 -X POST \
  "$SERVER_URL/app/demo/start?threads=$threads&ds=java:/jdbc/orders&keepKeys=false" >"$SOAK_DIR/start.txt"
curl -sS --fail-with-body --max-time 30 -X POST \
  "$SERVER_URL/app/reads/start?threads=$readers&ds=java:/jdbc/orders-reader&workers=$threads" >>"$SOAK_DIR/start.txt"
echo
echo "Soak: $minutes min; $threads order workers (one JTA transaction per order, a failed order placed again under its"
echo "key), $readers readers (one JTA transaction per read on the reader definition); a fault every $fault_every s, in turn:"
echo "  ${SOAK_FAULT_KINDS[*]}; a sample every $sample_every s."

# ---- the run: the sampler on its own, a fault every fault_every seconds (in the background too: a fault with its
# healing takes up to half a minute), a progress line for each new sample
soak_sample_header >"$SOAK_DIR/samples.csv"
: >"$SOAK_DIR/faults.csv"
start_ms=$(date +%s%3N)
end_ms=$((start_ms + minutes * 60000))
soak_sampler "$start_ms" "$end_ms" "$sample_every" &
sampler_pid=$!
SOAK_FAULT_NO=0
next_fault=$((start_ms + fault_every * 1000))
IFS=, read -ra header <"$SOAK_DIR/samples.csv"
shown=1
prev=""
# rate NOW PREVIOUS MS: per second, from two readings of a counter MS apart
rate() { [ -n "$1" ] && [ -n "$2" ] && echo $(( ($1 - $2) * 1000 / ($3 > 0 ? $3 : 1) )) || echo "?"; }
while kill -0 "$sampler_pid" 2>/dev/null; do
  now=$(date +%s%3N)
  if [ "$now" -ge "$next_fault" ] && [ "$next_fault" -lt "$end_ms" ]; then
    if [ -n "$fault_pid" ] && kill -0 "$fault_pid" 2>/dev/null; then
      echo "  (the last fault is still being healed: the next one waits)"
    else
      kind="${SOAK_FAULT_KINDS[$((SOAK_FAULT_NO % ${#SOAK_FAULT_KINDS[@]}))]}"
      SOAK_FAULT_NO=$((SOAK_FAULT_NO + 1))
      soak_fault "$kind" "$RANDOM" &
      fault_pid=$!
      echo "  >>> t=$(( (now - start_ms) / 1000 )) s fault $SOAK_FAULT_NO: $kind"
      next_fault=$((next_fault + fault_every * 1000))
    fi
  fi
  while [ "$(wc -l <"$SOAK_DIR/samples.csv")" -gt "$shown" ]; do
    shown=$((shown + 1))
    line="$(sed -n "${shown}p" "$SOAK_DIR/samples.csv")"
    IFS=, read -ra s <<<"$line"
    declare -A v=()
    for i in "${!header[@]}"; do v[${header[$i]}]="${s[$i]:-}"; done
    if [ -n "$prev" ]; then
      IFS=, read -ra p <<<"$prev"
      declare -A pv=()
      for i in "${!header[@]}"; do pv[${header[$i]}]="${p[$i]:-}"; done
      dt=$(( ${v[epoch_ms]} - ${pv[epoch_ms]} ))
      sess=""
      for n in "${SOAK_NODE_NAMES[@]}"; do sess="$sess${sess:+/}${v[sessions_$n]:-?}"; done
      printf '  t=%5s s  %5s orders/s %5s reads/s  threads %3s  sessions %-9s heap %6s MB  pools %s/%s  %s\n' \
        "${v[t_s]}" "$(rate "${v[commits]}" "${pv[commits]}" "$dt")" "$(rate "${v[reads]}" "${pv[reads]}" "$dt")" \
        "${v[adapter_threads]:-?}" "$sess" "${v[heap_after_gc_mb]:-?}" "${v[pool_orders_active]:-?}" \
        "${v[pool_reader_active]:-?}" "${v[fault]:+(fault: ${v[fault]})}"
    fi
    prev="$line"
  done
  sleep 0.5
done
sampler_pid=""

# ---- the end: the last fault healed, the workloads stopped, the database's account
if [ -n "$fault_pid" ]; then
  wait "$fault_pid" 2>/dev/null || true
  fault_pid=""
fi
soak_inventory "$SOAK_DIR/inventory.txt"
echo
echo "Stopping the workloads (each worker finishes its order or read) ..."
curl -sf --max-time 40 -X POST "$SERVER_URL/app/reads/stop" >"$SOAK_DIR/reads-report.txt" || echo "(the reads did not stop)"
curl -sf --max-time 40 -X POST "$SERVER_URL/app/demo/stop" >"$SOAK_DIR/orders-report.txt" || echo "(the orders did not stop)"
curl -sf --max-time 20 "$SERVER_URL/app/demo/highest" >"$SOAK_DIR/highest.csv" || : >"$SOAK_DIR/highest.csv"
sed 's/^/  /' "$SOAK_DIR/reads-report.txt"; sed -n '1,/^ *$/s/^/  /p' "$SOAK_DIR/orders-report.txt" | head -12 || true

# Each worker's orders are 1 to its highest committed one: any of them missing is lost, a key twice is doubled, a row
# past the highest is an order the application does not believe committed. psql on the current writer, not the adapter.
# (unread, they stay "?": the verdict then fails on them)
rows="?" believed="?" lost="?" doubled="?" unexpected="?"
read -r rows believed lost doubled unexpected < <("$PSQL" -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d orders <<SQL
CREATE TEMP TABLE believed (worker int, highest int);
\copy believed FROM '$SOAK_DIR/highest.csv' WITH (FORMAT csv)
SELECT (SELECT count(*) FROM orders),
       (SELECT coalesce(sum(highest), 0) FROM believed),
       (SELECT coalesce(sum(b.highest - (SELECT count(DISTINCT seq) FROM orders o WHERE o.worker = b.worker AND o.seq <= b.highest)), 0)
          FROM believed b),
       (SELECT count(*) FROM (SELECT 1 FROM orders GROUP BY worker, seq HAVING count(*) > 1) d),
       (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM believed b WHERE b.worker = o.worker AND o.seq <= b.highest));
SQL
) || echo "the database's account could not be read (psql on $PGHOST:$PGPORT failed)" >&2
# a transaction prepared when its writer crashed is the transaction manager's to finish (its recovery runs every 2
# minutes in WildFly): wait for that before calling one left
prepared_wait_s=0
prepared=""
while :; do
  prepared=0
  while read -r name id role host port; do
    c="$(PGCONNECT_TIMEOUT=2 "$PSQL" -X -q -At "host=$host port=$port dbname=postgres" -c 'SELECT count(*) FROM pg_prepared_xacts' 2>/dev/null || echo 0)"
    prepared=$((prepared + c))
  done <<<"$(soak_nodes)"
  [ "$prepared" = 0 ] || [ "$prepared_wait_s" -ge 150 ] && break
  sleep 5
  prepared_wait_s=$((prepared_wait_s + 5))
done
server_error_lines >"$SOAK_DIR/server-errors.txt"
secrets="none"
for f in "$SERVER_LOG" "$(dirname "$SERVER_LOG")/console.log" "$SOAK_DIR"/*; do
  if [ -f "$f" ] && grep -qF -e "$DB_PASSWORD" -e "$PGPASSWORD" -e "$SOAK_MGMT_PASSWORD" "$f"; then secrets="${f#"$root"/}"; fi
done
cat >"$SOAK_DIR/end.properties" <<PROPS
minutes=$minutes
faultEvery=$fault_every s
seed=$seed
orderWorkers=$threads
readers=$readers
writerPoolMax=$writer_pool
readerPoolMax=$reader_pool
nodes=${#SOAK_NODE_NAMES[@]}
rows=$rows
believed=$believed
lost=$lost
doubled=$doubled
unexpected=$unexpected
preparedLeft=$prepared
preparedWaitS=$prepared_wait_s
errorLines=$(wc -l <"$SOAK_DIR/server-errors.txt")
warnLines=$(grep -c ' WARN ' "$SERVER_LOG" || true)
secretsInLogs=$secrets
readsReport=$(head -1 "$SOAK_DIR/reads-report.txt")
ordersReport=$(head -1 "$SOAK_DIR/orders-report.txt")
loadAverage=$(cut -d' ' -f1-3 /proc/loadavg)
PROPS

echo
set +e
java -Djava.awt.headless=true -cp "$root/reliability/target/classes:$(cat "$root/reliability/target/runtime.classpath")" \
  dev.awsjca.reliability.soak.SoakReport "$SOAK_DIR" | tee "$SOAK_DIR/verdict.txt"
verdict=${PIPESTATUS[0]}
set -e
echo "Soak done in $((SECONDS - t0)) s; samples, faults, verdict and the picture in ${SOAK_DIR#"$root"/}/"
exit "$verdict"
