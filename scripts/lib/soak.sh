# shellcheck shell=bash
# What scripts/soak.sh does besides setting up (which is scripts/lib/wildfly.sh's): ask the server's management API,
# take one sample, inject one fault and heal the cluster after it. Source it after scripts/lib/wildfly.sh and after
# testkit_start.
# Functions: soak_mgmt_user, soak_mgmt JSON, soak_nodes, soak_sample_header, soak_sample T0_MS, soak_fault KIND PICK.

SOAK_RA="aws-advanced-jca.rar"
SOAK_FAULT_KINDS=(writer-crash writer-blackhole lost-replies reader-crash switchover slow-node)

# soak_mgmt_user: a management user of this run's own for the HTTP management API (curl is cheap; a jboss-cli
# JVM every 10 s is not). Written straight into the server's properties realm as WildFly's add-user would (the
# realm reads the file again when it changes), with a random password kept in this shell only.
soak_mgmt_user() {
  SOAK_MGMT_PASSWORD="$(random_password)"
  local hash
  hash="$(printf '%s' "soak:ManagementRealm:$SOAK_MGMT_PASSWORD" | md5sum | cut -d' ' -f1)"
  printf 'soak=%s\n' "$hash" >>"$WF_BASE/configuration/mgmt-users.properties"
}

# soak_mgmt JSON: one operation (or a composite) on the management API; prints its JSON answer. The login goes to
# curl on its standard input, so that it is in no process list.
soak_mgmt() {
  printf 'user = "soak:%s"\n' "$SOAK_MGMT_PASSWORD" |
    curl -sS --max-time "${SOAK_MGMT_TIMEOUT:-20}" --digest -K - -H 'Content-Type: application/json' \
      -d "$1" "http://127.0.0.1:$WF_MGMT_PORT/management"
}

# soak_nodes: "name instance-id role host server-port" of each node, from the testkit daemon (no JVM started).
soak_nodes() {
  testkit_send status | awk '$2 == "instance" { sub(/:.*/, "", $5); sub(/\)/, "", $8); print $1, $3, $4, $5, $8 }'
}

soak_sample_header() {
  local n
  printf 'epoch_ms,t_s,adapter_threads,jvm_threads,heap_after_gc_mb'
  for n in "${SOAK_NODE_NAMES[@]}"; do printf ',sessions_%s' "$n"; done
  printf ',monitor_sessions,prepared_xacts,pool_orders_active,pool_orders_in_use,pool_reader_active,pool_reader_in_use'
  printf ',commits,failed_commits,last_commit_ms,reads,failed_reads,last_read_ms,tx_log_records,load1,sample_ms,fault\n'
}

# The server's side in one request: a full GC and the heap used after it, every thread's name, both pools' statistics.
soak_server_json() {
  local memory='{"core-service":"platform-mbean"},{"type":"memory"}'
  local threading='{"core-service":"platform-mbean"},{"type":"threading"}'
  local pool='{"subsystem":"resource-adapters"},{"resource-adapter":"'"$SOAK_RA"'"},{"connection-definitions":"%s"},{"statistics":"pool"}'
  # shellcheck disable=SC2059
  soak_mgmt '{"operation":"composite","address":[],"steps":[
    {"operation":"gc","address":['"$memory"']},
    {"operation":"read-attribute","address":['"$memory"'],"name":"heap-memory-usage"},
    {"operation":"dump-all-threads","address":['"$threading"'],"locked-monitors":false,"locked-synchronizers":false},
    {"operation":"read-resource","include-runtime":true,"address":['"$(printf "$pool" orders)"']},
    {"operation":"read-resource","include-runtime":true,"address":['"$(printf "$pool" orders-reader)"']}]}'
}

# Sessions of the application's login on one node (every pool and monitor connection of the adapter), those of the
# adapter's monitors among them, and its prepared transactions; read on the node's own server port, past the fault
# proxy, so that a blackholed or slow node is still counted. Empty when the node is down.
soak_node_counts() {
  PGCONNECT_TIMEOUT=2 "$PSQL" -X -q -At -F ' ' "host=$1 port=$2 dbname=postgres sslmode=disable gssencmode=disable" -c \
    "SELECT count(*) FILTER (WHERE usename = 'app'),
            count(*) FILTER (WHERE usename = 'app' AND application_name LIKE 'aws-advanced-jca%'),
            (SELECT count(*) FROM pg_prepared_xacts)
       FROM pg_stat_activity" 2>/dev/null || true
}

# soak_sample T0_MS: one CSV line (see soak_sample_header); a value that could not be read is left empty. The server,
# each node and the application are asked at the same time: on a machine shared with other builds each answer waits
# for a CPU, and one after the other a sample took 20 s where it takes 1 s on a quiet machine.
soak_sample() {
  local now part="$SOAK_DIR/.sample" n host port
  now=$(date +%s%3N)
  soak_server_json >"$part.server" 2>/dev/null &
  for n in "${SOAK_NODE_NAMES[@]}"; do
    read -r host port < <(awk -v n="$n" '$1 == n { print $4, $5 }' <<<"$SOAK_NODES")
    soak_node_counts "$host" "$port" >"$part.$n" &
  done
  curl -sf --max-time 8 "$SERVER_URL/app/demo/status" >"$part.demo" 2>/dev/null &
  curl -sf --max-time 8 "$SERVER_URL/app/reads/status" >"$part.reads" 2>/dev/null &
  wait
  local threads="" jvm="" heap="" oa="" ou="" ra="" ru="" sessions="" monitors=0 prepared=0 counts mon prep
  if [ "$(jq -r '.outcome' "$part.server" 2>/dev/null)" = success ]; then
    read -r threads jvm heap oa ou ra ru < <(jq -r '.result as $r | [
      ([$r["step-3"].result[] | select(."thread-name" | startswith("aws-jca-"))] | length),
      ($r["step-3"].result | length),
      (($r["step-2"].result.used / 1048576 * 10 | round) / 10),
      $r["step-4"].result.ActiveCount, $r["step-4"].result.InUseCount,
      $r["step-5"].result.ActiveCount, $r["step-5"].result.InUseCount] | @tsv' "$part.server")
  fi
  for n in "${SOAK_NODE_NAMES[@]}"; do
    counts=""; mon=""; prep=""
    read -r counts mon prep <"$part.$n" || true
    sessions="$sessions,$counts"
    monitors=$((monitors + ${mon:-0}))
    prepared=$((prepared + ${prep:-0}))
  done
  local demo reads
  demo="$(cat "$part.demo")"
  reads="$(cat "$part.reads")"
  printf '%s,%s,%s,%s,%s%s,%s,%s,%s,%s,%s,%s' "$now" "$(( (now - $1) / 1000 ))" "$threads" "$jvm" "$heap" "$sessions" \
    "$monitors" "$prepared" "$oa" "$ou" "$ra" "$ru"
  printf ',%s,%s,%s,%s,%s,%s' "$(soak_word committed "$demo")" "$(soak_word failed "$demo")" \
    "$(soak_word last_commit_ms "$demo")" "$(soak_word reads "$reads")" "$(soak_word failed "$reads")" \
    "$(soak_word last_read_ms "$reads")"
  printf ',%s,%s,%s,%s\n' "$(find "$WF_BASE/data/tx-object-store" -type f 2>/dev/null | wc -l)" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$(( $(date +%s%3N) - now ))" "$(cat "$SOAK_DIR/fault.now" 2>/dev/null || true)"
}

# soak_sampler T0_MS END_MS EVERY_S: a sample every EVERY_S seconds until END_MS, appended to samples.csv; on its
# own, so that a slow sample (a full GC, a node that does not answer) delays neither the next one nor a fault.
soak_sampler() {
  local next=$1
  while [ "$next" -lt "$2" ]; do
    soak_sample "$1" >>"$SOAK_DIR/samples.csv"
    next=$((next + $3 * 1000))
    local now
    now=$(date +%s%3N)
    while [ "$next" -le "$now" ]; do next=$((next + $3 * 1000)); done # a sample that took longer than the period
    sleep "$(printf '%d.%03d' $(( (next - now) / 1000 )) $(( (next - now) % 1000 )))"
  done
}

# soak_inventory FILE: what holds threads and sessions now, for the bounds' reasons: the adapter's threads by name
# (numbers dropped) and the application's sessions by node and application name.
soak_inventory() {
  {
    echo "adapter threads by name:"
    soak_server_json | jq -r '.result["step-3"].result[]."thread-name" | select(startswith("aws-jca-"))' |
      sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn || echo "  (the server did not answer)"
    echo "sessions of the application's login by node and application name:"
    local name id role host port
    while read -r name id role host port; do
      PGCONNECT_TIMEOUT=2 "$PSQL" -X -q -At -F ' ' "host=$host port=$port dbname=postgres" -c \
        "SELECT '$name ($role)', count(*), coalesce(nullif(application_name, ''), '(none)') FROM pg_stat_activity
          WHERE usename = 'app' GROUP BY application_name ORDER BY 3" 2>/dev/null | sed 's/^/  /' ||
        echo "  $name ($role): no answer"
    done <<<"$(soak_nodes)"
  } >"$1" 2>&1
}

# soak_word KEY LINE: the value of KEY=value in a line of the application's counters.
soak_word() {
  local w
  for w in $2; do case "$w" in "$1="*) echo "${w#*=}"; return ;; esac; done
}

soak_node_with_role() {
  soak_nodes | awk -v r="$1" '$3 == r { print $1 }'
}

# soak_pick PICK: the (PICK mod count)-th line of the standard input.
soak_pick() {
  awk -v p="$1" '{ l[NR] = $0 } END { if (NR) print l[p % NR + 1] }'
}

# soak_fault KIND PICK: injects one fault as the bank does (reliability's FaultKind; the Secrets Manager outage is not
# one of them: the soak's definitions take the password from the server's environment), heals the cluster (network
# faults lifted, crashed nodes back as replicas; PICK, a random number, chooses the node where there is a choice) and appends "start_ms,end_ms,kind,detail" to faults.csv. While it
# runs, fault.now names it, so that the samples taken meanwhile say so.
soak_fault() {
  local kind="$1" pick="$2" start end writer node detail out="$SOAK_DIR/fault-$1.out"
  start=$(date +%s%3N)
  echo "$kind" >"$SOAK_DIR/fault.now"
  writer="$(soak_node_with_role writer)"
  case "$kind" in
    writer-crash)
      detail="writer $writer crashed, a replica promoted"
      testkit_send failover >"$out" 2>&1 ;;
    writer-blackhole)
      detail="writer $writer silent for 2 s, then crashed and a replica promoted"
      { testkit_send blackhole "$writer" && sleep 2 && testkit_send failover; } >"$out" 2>&1 ;;
    lost-replies)
      detail="writer $writer's replies dropped for 1 s, then crashed and a replica promoted"
      { testkit_send swallow "$writer" && sleep 1 && testkit_send failover; } >"$out" 2>&1 ;;
    reader-crash)
      node="$(soak_node_with_role replica | soak_pick "$pick")"
      detail="replica $node crashed for 2 s"
      { testkit_send crash "$node" && sleep 2; } >"$out" 2>&1 ;;
    switchover)
      detail="switchover from writer $writer"
      testkit_send switchover >"$out" 2>&1 ;;
    slow-node)
      node="$(soak_nodes | awk '{ print $1 }' | soak_pick "$pick")"
      detail="$node ($([ "$node" = "$writer" ] && echo writer || echo replica)) answering 500 ms late for 5 s"
      { testkit_send latency "$node" 500 && sleep 5; } >"$out" 2>&1 ;;
    *) echo "unknown fault '$kind'" >&2; return 2 ;;
  esac || detail="$detail; FAILED: $(tr '\n' ' ' <"$out" | cut -c1-200)"
  testkit_send heal all >>"$out" 2>&1 || true
  for node in $(soak_node_with_role down); do
    testkit_send rejoin "$node" >>"$out" 2>&1 || detail="$detail; rejoin of $node FAILED"
  done
  end=$(date +%s%3N)
  rm -f "$SOAK_DIR/fault.now"
  printf '%s,%s,%s,%s\n' "$start" "$end" "$kind" "${detail//,/;}" >>"$SOAK_DIR/faults.csv"
}
