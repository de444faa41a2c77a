#!/usr/bin/env bash
# Failover time from the application's side (writer crash), the adapter against plain pgjdbc, on a local
# 3-node testkit cluster. Results go to docs/PERFORMANCE.md by hand, with this command:
#   scripts/bench-failover.sh --runs 20
# Timeline pictures of the failovers (two per picture, the adapter's and pgjdbc's, and each client's median
# one) go to benchmarks/target/bench-failover/. Builds the modules it needs (no install).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgresql.sh >/dev/null
mvn -B -q -Dstyle.color=never -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat benchmarks/target/runtime.classpath)
exec java -cp "benchmarks/target/classes:$cp" \
  dev.awsjca.benchmarks.failover.FailoverTimeBenchmark "$@"
