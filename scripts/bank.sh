#!/usr/bin/env bash
# The bank invariant test, long version, on a testkit cluster of its own: 16 tellers move money while faults of
# every kind hit the cluster in a seeded random order; a progress line while it runs, a verdict table at the end;
# exit 1 if any invariant broke.
#   scripts/bank.sh --faults 10                   # Java SE: HikariCP over the wrapper driver, 10 faults of each of the 7 kinds
#   scripts/bank.sh --faults 10 --seed 42         # the same order and timing of faults again
#   scripts/bank.sh --server wildfly --faults 10  # WildFly: the tellers in a war, one JTA transaction across both databases
#                                                 # per transfer (two-phase commit over the rar's XA definitions)
# The short versions (2 of each kind) run in `mvn verify`: reliability's BankTest and arquillian-tests' XaBankIT.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
export AWS_EC2_METADATA_DISABLED=true
scripts/ensure-postgresql.sh >/dev/null

if [[ "${1:-}" == "--server" ]]; then
  [[ "${2:-}" == "wildfly" ]] || { echo "--server takes wildfly (the Java SE variant needs no option)" >&2; exit 2; }
  shift 2
  faults=10 tellers=16 seed=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --faults) faults="${2:?--faults needs a number}"; shift 2 ;;
      --tellers) tellers="${2:?--tellers needs a number}"; shift 2 ;;
      --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
      *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
  done
  # the integration test alone (WildFly unpacked and started by Arquillian, port offset 200); its verdict table is
  # printed at the end and kept in arquillian-tests/target/failsafe-reports/
  exec mvn -B -Dstyle.color=never -pl arquillian-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=XaBankIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dbank.faults="$faults" -Dbank.tellers="$tellers" -Dbank.seed="$seed" -Dbank.progress=true
fi

mvn -B -q -Dstyle.color=never -pl reliability -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat reliability/target/runtime.classpath)
exec java -cp "reliability/target/classes:$cp" dev.awsjca.reliability.bank.BankMain "$@"
