#!/usr/bin/env bash
# Benchmark in an application server: JTA transactions (UserTransaction begin, getConnection, one statement, close,
# commit) on N threads inside the server, through the adapter's XA connection definition vs the server's own pool on
# pgjdbc (org.postgresql.xa.PGXADataSource), in the same server, on the same database (the writer's instance endpoint
# of a testkit cluster), with the same pool size and validation on borrow, in alternating rounds so that machine
# noise hits every variant alike. Results: a table on stdout and in target/<server>/bench-run/results.md
# (docs/PERFORMANCE.md, "In WildFly: adapter vs xa-datasource" and "On Payara: adapter vs Payara's JDBC pool").
#
#   scripts/bench-server.sh                        WildFly: warmup 20 s per variant, then 4 rounds of 10 s, 16 threads
#   scripts/bench-server.sh --server payara        the same on Payara Server (asadmin, port base 16200)
#   scripts/bench-server.sh --rounds 6 --seconds 15 --threads 16 --warmup 10 --port-offset 420 --no-build
#   scripts/bench-server.sh --variants adapter,xa-datasource      leave out the adapter without plugins
#   scripts/bench-server.sh --workload read --variants adapter,adapter-reader
#                                          read transactions (a SELECT by key): the writer definition vs a reader
#                                          definition (Role=reader, plugins readWriteSplitting,failover,hostMonitoring)
#   scripts/bench-server.sh --profile      also record the rounds with JFR (bench-run/<variant>-<round>.jfr) and print
#                                          each variant's hottest methods
#   scripts/bench-server.sh --no-validation   no validation on borrow for any variant (on by default)
#   scripts/bench-server.sh --statements   after the rounds, one 3 s round per variant with log_statement=all on the
#                                          writer: the statements the database ran per committed transaction
#   (scripts/bench-wildfly.sh ARGS is scripts/bench-server.sh --server wildfly ARGS)
#
# Variants: adapter (Plugins=failover,hostMonitoring), adapter-noplugins (Plugins=none: the adapter's pipeline and
# JCA classes alone), adapter-reader (a reader definition, see --workload read), and the server's own pool:
# xa-datasource on WildFly (pgjdbc deployed as a jar, PostgreSQLValidConnectionChecker, PostgreSQLExceptionSorter),
# payara-pool on Payara (a jdbc-connection-pool of res-type javax.sql.XADataSource, pgjdbc in the domain's lib,
# custom-validation with org.glassfish.api.jdbc.validation.PostgresConnectionValidation, fail-all-connections).
# Every variant: pool 0..POOL (--pool, default 20), validated on borrow (WildFly: validate-on-match; Payara:
# is-connection-validation-required).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

server=wildfly
offset="${WILDFLY_PORT_OFFSET:-420}"
portbase="${PAYARA_PORT_BASE:-16200}"
workload=insert
threads=16
seconds=10
rounds=4
warmup=20
pool=20
variants=""
build=1
profile=0
statements=0
validate=true
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="${2:?--server needs wildfly or payara}"; shift 2 ;;
    --port-offset) offset="${2:?}"; shift 2 ;;
    --port-base) portbase="${2:?}"; shift 2 ;;
    --workload) workload="${2:?--workload needs insert or read}"; shift 2 ;;
    --threads) threads="${2:?}"; shift 2 ;;
    --seconds) seconds="${2:?}"; shift 2 ;;
    --rounds) rounds="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --pool) pool="${2:?}"; shift 2 ;;
    --variants) variants="${2:?}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --profile) profile=1; shift ;;
    --statements) statements=1; shift ;;
    --no-validation) validate=false; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

case "$server" in
  wildfly) . "$root/scripts/lib/wildfly.sh"; server_init bench "$offset"; own=xa-datasource ;;
  payara) . "$root/scripts/lib/payara.sh"; server_init bench "$portbase"; own=payara-pool ;;
  *) echo "unknown server '$server': wildfly or payara" >&2; exit 2 ;;
esac
case "$workload" in
  insert|read) ;;
  *) echo "unknown workload '$workload': insert or read" >&2; exit 2 ;;
esac
variants="${variants:-adapter,$own,adapter-noplugins}"
run="$RUN_DIR/bench-run"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if server_running || [ -n "${TESTKIT_STARTED:-}" ]; then
    echo "Cleaning up: stopping the server and the cluster ..."
    server_stop
    testkit_stop
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# every variant's JNDI name; the checks before anything starts
jndi() {
  case "$server,$1" in
    wildfly,adapter) echo java:/jdbc/bench-adapter ;;
    wildfly,adapter-noplugins) echo java:/jdbc/bench-plain ;;
    wildfly,adapter-reader) echo java:/jdbc/bench-reader ;;
    wildfly,xa-datasource) echo java:/jdbc/bench-xa ;;
    payara,adapter) echo jdbc/bench-adapter ;;
    payara,adapter-noplugins) echo jdbc/bench-plain ;;
    payara,adapter-reader) echo jdbc/bench-reader ;;
    payara,payara-pool) echo jdbc/bench-payara ;;
    *) echo "unknown variant '$1' on $server" >&2; return 1 ;;
  esac
}
IFS=, read -r -a vs <<<"$variants"
for v in "${vs[@]}"; do jndi "$v" >/dev/null; done

"$root/scripts/ensure-postgresql.sh" >/dev/null
need_tools
pgjdbc_version="$(sed -n 's:.*<postgresql.version>\(.*\)</postgresql.version>.*:\1:p' "$root/pom.xml" | head -1)"
build_rar_and_app "$build"
server_prepare
rm -rf "$run"
mkdir -p "$run"
mvn -B -q -N -Dstyle.color=never -f "$root/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy \
  -Dartifact="org.postgresql:postgresql:$pgjdbc_version" -DoutputDirectory="$run"
pgjdbc="$run/postgresql-$pgjdbc_version.jar"


DB_PASSWORD="$(random_password)"
export DB_PASSWORD
echo "Starting $SERVER_TITLE ($(server_ports)) and the testkit cluster (writer + 2 replicas) ..."
WF_XMX=768m PA_EXTRA_LIB="$pgjdbc" server_start
testkit_start --replicas 2
read -r writer_id writer_addr < <(pg_writer)
server_wait_started
server_jvm="$(server_pid)"
writer_host="${writer_addr%:*}"
writer_port="${writer_addr##*:}"

"$PSQL" -q -X -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
SET log_statement = 'none';
CREATE ROLE app LOGIN PASSWORD '$DB_PASSWORD';
CREATE DATABASE bench OWNER app;
SQL
"$PSQL" -q -X -v ON_ERROR_STOP=1 -d bench >/dev/null <<'SQL'
CREATE TABLE bench (thread int NOT NULL, n bigint NOT NULL);
ALTER TABLE bench OWNER TO app;
CREATE TABLE bench_read (id int PRIMARY KEY, v text NOT NULL);
INSERT INTO bench_read SELECT i, md5(i::text) FROM generate_series(1, 1000) i;
ALTER TABLE bench_read OWNER TO app;
SQL

url="jdbc:aws-wrapper:postgresql://$writer_host:$writer_port/bench"
reader_plugins="readWriteSplitting,failover,hostMonitoring"
configure_wildfly() {
  local ra="/subsystem=resource-adapters/resource-adapter=aws-advanced-jca.rar" d
  {
    echo "batch"
    echo "$ra:add(archive=aws-advanced-jca.rar, transaction-support=XATransaction)"
    for d in adapter:"failover,hostMonitoring" plain:none reader:"$reader_plugins"; do
      local name="bench-${d%%:*}" cd="$ra/connection-definitions=bench-${d%%:*}"
      echo "$cd:add(class-name=dev.awsjca.ra.AwsManagedConnectionFactory, jndi-name=java:/jdbc/$name, min-pool-size=0, max-pool-size=$pool, validate-on-match=$validate, recovery-username=app, recovery-password=\${env.DB_PASSWORD})"
      echo "$cd/config-properties=Url:add(value=\"$url\")"
      echo "$cd/config-properties=User:add(value=app)"
      echo "$cd/config-properties=Password:add(value=\${env.DB_PASSWORD})"
      echo "$cd/config-properties=Plugins:add(value=\"${d#*:}\")"
      [ "${d#*:}" = none ] || echo "$cd/config-properties=ClusterInstanceHostPattern:add(value=\"$TESTKIT_INSTANCE_HOST_PATTERN\")"
      [ "${d%%:*}" = reader ] && echo "$cd/config-properties=Role:add(value=reader)"
    done
    echo "run-batch"
    echo "deploy $RAR --name=aws-advanced-jca.rar"
    echo "deploy $pgjdbc --name=postgresql.jar"
    echo "xa-data-source add --name=bench-xa --jndi-name=java:/jdbc/bench-xa --driver-name=postgresql.jar --xa-datasource-class=org.postgresql.xa.PGXADataSource --xa-datasource-properties={\"ServerName\"=>\"$writer_host\",\"PortNumber\"=>\"$writer_port\",\"DatabaseName\"=>\"bench\"} --user-name=app --password=\${env.DB_PASSWORD} --min-pool-size=0 --max-pool-size=$pool --validate-on-match=$validate --valid-connection-checker-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker --exception-sorter-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter --recovery-username=app --recovery-password=\${env.DB_PASSWORD}"
    echo "deploy $WAR --name=app.war"
  } >"$run/configure.cli"
  echo "Configuring (jboss-cli, ${run#"$root"/}/configure.cli): all on $writer_host:$writer_port/bench (writer $writer_id), pools 0..$pool, validate-on-match $validate"
  wf_cli --file="$run/configure.cli" >"$run/configure.out" 2>&1
}
configure_payara() {
  local d pool_options=(--steadypoolsize=0 "--maxpoolsize=$pool" "--isconnectvalidatereq=$validate" --failconnection=true)
  echo "Configuring (asadmin, answers in ${run#"$root"/}/configure.out): all on $writer_host:$writer_port/bench (writer $writer_id), pools 0..$pool, validated on borrow $validate"
  {
    pa_password_alias app-db-password &&
    pa_asadmin deploy --type rar --name aws-advanced-jca "$RAR" || return 1
    for d in adapter:"failover,hostMonitoring" plain:none reader:"$reader_plugins"; do
      local properties=("Url=$url" User=app 'Password=${ALIAS=app-db-password}' "Plugins=${d#*:}")
      [ "${d#*:}" = none ] || properties+=("ClusterInstanceHostPattern=$TESTKIT_INSTANCE_HOST_PATTERN")
      [ "${d%%:*}" = reader ] && properties+=(Role=reader)
      pa_asadmin create-connector-connection-pool --raname aws-advanced-jca --connectiondefinition javax.sql.DataSource \
        --transactionsupport XATransaction "${pool_options[@]}" --property "$(pa_properties "${properties[@]}")" \
        "bench-${d%%:*}" &&
      pa_asadmin create-connector-resource --poolname "bench-${d%%:*}" "jdbc/bench-${d%%:*}" || return 1
    done
    pa_asadmin create-jdbc-connection-pool --datasourceclassname org.postgresql.xa.PGXADataSource \
      --restype javax.sql.XADataSource "${pool_options[@]}" --validationmethod custom-validation \
      --validationclassname org.glassfish.api.jdbc.validation.PostgresConnectionValidation \
      --property "$(pa_properties "serverName=$writer_host" "portNumber=$writer_port" databaseName=bench user=app \
        'password=${ALIAS=app-db-password}')" bench-payara &&
    pa_asadmin create-jdbc-resource --connectionpoolid bench-payara jdbc/bench-payara &&
    pa_asadmin deploy --name app --contextroot app "$WAR"
  } >"$run/configure.out" 2>&1
}
if ! "configure_$server"; then
  echo "configuring $SERVER_TITLE failed:" >&2
  cat "$run/configure.out" >&2
  exit 1
fi

# CPU accounting around a round: the server JVM's CPU time (utime + stime of /proc/PID/stat, in clock ticks) and
# the machine's busy and total ticks (/proc/stat), so that each round also says how busy the machine was and how
# much server CPU a transaction took, which the other builds on this machine disturb far less than throughput.
cpu_marks() {
  local jvm total idle
  jvm="$(awk '{ print $14 + $15 }' "/proc/$server_jvm/stat")"
  read -r total idle < <(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6 }' /proc/stat)
  echo "$jvm $total $idle"
}

# one round: the in-server benchmark for $2 seconds on variant $1 ($3: round number, for the JFR file name);
# prints tx/s; the answer and the CPU figures go to the run log
round() {
  [ "$workload" = read ] || "$PSQL" -q -X -d bench -c "TRUNCATE bench" >/dev/null
  local answer before after
  [ "$profile" = 1 ] && [ -n "${3:-}" ] && [ "$3" != statements ] && jcmd "$server_jvm" JFR.start name="$1-$3" settings=profile \
    filename="$run/$1-$3.jfr" >/dev/null
  before="$(cpu_marks)"
  answer="$(curl -sS --fail-with-body --max-time $(( ${2%.*} + 120 )) -X POST \
    "$SERVER_URL/app/bench?ds=$(jndi "$1")&threads=$threads&seconds=$2&op=$workload")" || { echo "round failed: $answer" >&2; return 1; }
  after="$(cpu_marks)"
  [ "$profile" = 1 ] && [ -n "${3:-}" ] && [ "$3" != statements ] && jcmd "$server_jvm" JFR.stop name="$1-$3" >/dev/null
  local committed
  committed="$(sed -n 's/.*committed=\([0-9]*\).*/\1/p' <<<"$answer")"
  # other Maven builds and test JVMs on the machine right after the round (another engineer's, CI's): noise
  local others
  others="$(pgrep -c -f 'plexus-classworlds|surefirebooter|failsafe' || true)"
  local tag="warmup"
  case "${3:-}" in '') ;; [0-9]*) tag="round=$3" ;; *) tag="$3" ;; esac
  echo "$1 $tag ${2}s other_builds=${others:-0} $answer $(awk -v b="$before" -v a="$after" -v c="$committed" -v hz="$(getconf CLK_TCK)" 'BEGIN {
      split(b, x, " "); split(a, y, " ");
      busy = (y[2] - x[2]) - (y[3] - x[3]);
      printf "machine_busy=%.0f%% server_cpu_ms_per_tx=%.3f", 100 * busy / (y[2] - x[2]), 1000 * (y[1] - x[1]) / hz / (c > 0 ? c : 1) }')" \
    >>"$run/rounds.log"
  case "$answer" in *" errors=0 "*) ;; *) echo "  note: $1: $answer" >&2 ;; esac
  sed -n 's/.*tx_per_s=\([0-9.]*\).*/\1/p' <<<"$answer"
}

echo "Warmup: $warmup s per variant ($variants), $threads threads"
for v in "${vs[@]}"; do
  printf '  %-18s %8s tx/s\n' "$v" "$(round "$v" "$warmup")"
done
declare -A results
echo "Rounds: $rounds x $seconds s per variant, alternating the order (load average before each round in ${run#"$root"/}/rounds.log)"
for r in $(seq 1 "$rounds"); do
  n=${#vs[@]}
  line="  round $r:"
  for i in $(seq 0 $((n - 1))); do
    v="${vs[$(( (i + r - 1) % n ))]}"    # rotate the order every round
    t="$(round "$v" "$seconds" "$r")"
    results["$v,$r"]="$t"
    line="$line  $v $t"
  done
  echo "$line"
done

# the table: tx/s per round, mean, ratio to the server's own pool; then the server's CPU per transaction and how busy the
# machine was, averaged over the measured rounds (from rounds.log)
mean_of() { awk '{ s += $1 } END { printf "%.1f", s / NR }'; }
{
  printf '| variant |'; for r in $(seq 1 "$rounds"); do printf ' round %d |' "$r"; done
  printf ' mean tx/s | vs %s | server CPU ms/tx | machine busy |\n' "$own"
  printf '|---|'; for r in $(seq 1 "$rounds"); do printf -- '---:|'; done; printf -- '---:|---:|---:|---:|\n'
  base=""
  for v in "${vs[@]}"; do
    [ "$v" = "$own" ] || continue
    base="$(for r in $(seq 1 "$rounds"); do echo "${results[$v,$r]}"; done | mean_of)"
  done
  for v in "${vs[@]}"; do
    printf '| %s |' "$v"
    for r in $(seq 1 "$rounds"); do printf ' %s |' "${results[$v,$r]}"; done
    mean="$(for r in $(seq 1 "$rounds"); do echo "${results[$v,$r]}"; done | mean_of)"
    ratio="$( [ -n "$base" ] && awk -v m="$mean" -v b="$base" 'BEGIN { printf "%.1f %%", 100 * m / b }' || echo -)"
    cpu="$(awk -v v="$v" '$1 == v && $2 ~ /^round=/ { for (i = 3; i <= NF; i++) if ($i ~ /^server_cpu_ms_per_tx=/) { sub(/.*=/, "", $i); s += $i; n++ } }
                         END { printf "%.3f", s / n }' "$run/rounds.log")"
    busy="$(awk -v v="$v" '$1 == v && $2 ~ /^round=/ { for (i = 3; i <= NF; i++) if ($i ~ /^machine_busy=/) { sub(/.*=/, "", $i); sub(/%/, "", $i); s += $i; n++ } }
                          END { printf "%.0f %%", s / n }' "$run/rounds.log")"
    printf ' %s | %s | %s | %s |\n' "$mean" "$ratio" "$cpu" "$busy"
  done
} >"$run/results.md"
echo
echo "tx/s ($workload transactions, $threads threads, $seconds s rounds, validated on borrow $validate, $SERVER_TITLE, pgjdbc $pgjdbc_version, $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg)):"
cat "$run/results.md"

if [ "$statements" = 1 ]; then
  # what the database ran for each variant: log_statement=all on every node (readers too: a reader definition
  # runs its statements there) for one short round per variant, statements of the user app (the benchmark's
  # connections, the adapter's monitors included) per committed transaction, by node and statement text
  # (pgjdbc's "execute <name>: " prefix removed)
  cluster_dir="$(sed -n 's/^cluster //p' "$RUN_DIR/testkit-bench.status" | head -1)"
  mapfile -t nodes < <("$root/scripts/testkit.sh" status | awk '$4 == "writer" || $4 == "replica" { print $1, $5 }')
  set_logging() {
    local n
    for n in "${nodes[@]}"; do
      read -r name addr <<<"$n"
      "$PSQL" -q -X -h "${addr%:*}" -p "${addr##*:}" -d postgres -c "ALTER SYSTEM $1" -c "ALTER SYSTEM $2" \
        -c "SELECT pg_reload_conf()" >/dev/null
    done
  }
  set_logging "SET log_statement = 'all'" "SET log_line_prefix = '%u|'"
  sleep 0.5
  for v in "${vs[@]}"; do
    declare -A from=()
    for n in "${nodes[@]}"; do read -r name addr <<<"$n"; from[$name]=$(( $(stat -c %s "$cluster_dir/$name.log") + 1 )); done
    t="$(round "$v" 3 statements)"
    committed="$(tail -1 "$run/rounds.log" | sed -n 's/.*committed=\([0-9]*\).*/\1/p')"
    echo
    echo "statements per committed transaction, $v ($t tx/s with every statement logged):"
    for n in "${nodes[@]}"; do
      read -r name addr <<<"$n"
      tail -c +"${from[$name]}" "$cluster_dir/$name.log" | grep -a '^app|LOG:  \(statement\|execute\)' \
        | sed -e 's/^app|LOG:  statement: //' -e 's/^app|LOG:  execute [^:]*: //' | cut -c1-60 | sed "s/^/$name: /"
    done | sort | uniq -c | sort -rn | awk -v c="$committed" '{ n = $1; $1 = ""; t += n; if (NR <= 16) line[NR] = sprintf("  %7.3f %s", n / c, $0) }
          END { printf "  %7.3f in all\n", t / c; for (i = 1; i <= 16 && i <= NR; i++) print line[i] }' || true
  done
  set_logging "RESET log_statement" "RESET log_line_prefix"
fi

if [ "$profile" = 1 ]; then
  # hottest top frames per variant (JFR execution samples of every round of that variant), and the share of
  # samples with an adapter frame (dev.awsjca) anywhere in the stack
  for v in "${vs[@]}"; do
    for f in "$run/$v"-*.jfr; do jfr print --events jdk.ExecutionSample --stack-depth 64 "$f"; done >"$run/$v.samples.txt"
    echo
    echo "JFR, $v: $(grep -c 'jdk.ExecutionSample' "$run/$v.samples.txt") samples in the server;" \
      "$(awk '/jdk.ExecutionSample/ { if (n && hit) a++; n++; hit = 0 } /dev[.]awsjca[.]/ && !/dev[.]awsjca[.]wildflyapp/ { hit = 1 } END { if (n && hit) a++; printf "%d", a }' "$run/$v.samples.txt") with an adapter frame (dev.awsjca, the benchmark servlet aside) in the stack;" \
      "top frames:"
    awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' "$run/$v.samples.txt" \
      | sort | uniq -c | sort -rn | head -12 || true   # head closes the pipe early
  done
fi
