#!/usr/bin/env bash
# Read/write splitting scenarios (docs/PERFORMANCE.md, issue 10), e.g.
#   scripts/readers.sh spread       10,000 reads from 16 threads: share per reader (roundRobin, leastConnections,
#                                   fastestResponse with one reader +20 ms)
#   scripts/readers.sh loss 5       read loop on a reader, reader crashed then blackholed, 5 runs each:
#                                   time to the next successful read, and the error seen
# Builds the modules it needs (no install) and runs the scenario on a local testkit cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgresql.sh >/dev/null
mvn -B -q -Dstyle.color=never -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat benchmarks/target/runtime.classpath)
case "${1:-}" in
  spread|loss) ;;
  *) echo "usage: $0 spread | loss [runs]" >&2; exit 2 ;;
esac
exec java -cp "benchmarks/target/classes:$cp" dev.awsjca.benchmarks.readers.ReaderScenarios "$@"
