#!/usr/bin/env bash
# The driver demo (scripts/demo.sh --driver): builds the adapter, starts a local PostgreSQL cluster from the
# testkit, runs work through the wrapper driver outside any server and prints what the plugin pipeline did.
# Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgresql.sh >/dev/null
echo "Building (mvn install -DskipTests)..."
mvn -B -q -Dstyle.color=never -DskipTests install
mvn -B -q -Dstyle.color=never -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat benchmarks/target/runtime.classpath)
exec java -Djava.util.logging.SimpleFormatter.format='  [adapter log] %5$s%n' \
  -cp "benchmarks/target/classes:$cp" dev.awsjca.demo.Demo "$@"
