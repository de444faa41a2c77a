#!/usr/bin/env bash
# Runs the JMH benchmarks of the benchmarks module. Arguments go to JMH, e.g.
#   scripts/bench.sh PipelineOverheadBenchmark -f 2 -wi 3 -i 5
# Run it on a quiet machine: two cores shared with a build give wide error bars.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgresql.sh >/dev/null
mvn -B -q -Dstyle.color=never -pl benchmarks -am install -DskipTests
mvn -B -q -Dstyle.color=never -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat benchmarks/target/runtime.classpath)
exec java -cp "benchmarks/target/classes:$cp" org.openjdk.jmh.Main "$@"
