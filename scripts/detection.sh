#!/usr/bin/env bash
# Failure detection scenarios of the hostMonitoring plugin (docs/PERFORMANCE.md), e.g.
#   scripts/detection.sh failover 5     writer blackholed + replica promoted: outage, wrapper vs pgjdbc (and a
#                                       timeline picture per run in benchmarks/target/detection/)
#   scripts/detection.sh soak 600       a healthy writer under CPU, login, lock and connection load: false positives
#   scripts/detection.sh soak 180 --settings 'failureDetectionIntervalMs=100&failureDetectionCount=2'
#                                       the same with over-aggressive settings (it should report false positives)
# Builds the modules it needs (no install) and runs the scenario on a local testkit cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgresql.sh >/dev/null
mvn -B -q -Dstyle.color=never -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat benchmarks/target/runtime.classpath)
what=${1:-failover}
shift || true
case "$what" in
  failover) main=dev.awsjca.benchmarks.detection.BlackholeFailoverScenario ;;
  soak) main=dev.awsjca.benchmarks.detection.FalsePositiveSoak ;;
  *) echo "usage: $0 failover [runs] | soak [seconds] [--settings 'name=value&...'] [--burners N]" >&2; exit 2 ;;
esac
exec java -cp "benchmarks/target/classes:$cp" "$main" "$@"
