#!/usr/bin/env bash
# The testkit command: a local Aurora-like PostgreSQL cluster with real faults, driven by hand.
#   scripts/testkit.sh start            # writer + 2 replicas in the background, then its status
#   scripts/testkit.sh failover         # crash the writer, promote the most advanced replica
#   scripts/testkit.sh blackhole node2  # hold node2's traffic;  scripts/testkit.sh heal node2
#   scripts/testkit.sh stop
# Run with no arguments for every command. Builds the testkit module when its classes are missing or stale.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
classes="$root/testkit/target/classes"
cp_file="$root/testkit/target/testkit.classpath"

stale() {
  [ ! -f "$cp_file" ] || [ ! -d "$classes" ] || \
    [ -n "$(find "$root/testkit/src/main" "$root/testkit/pom.xml" -newer "$cp_file" -print -quit)" ]
}

if stale; then
  echo "testkit: building the testkit module ..." >&2
  (cd "$root" && mvn -B -q -pl testkit -am compile \
     && mvn -B -q -pl testkit dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file" \
     && touch "$cp_file") >&2   # the plugin leaves an unchanged file untouched: mark it fresh ourselves
fi

exec java -cp "$classes:$(cat "$cp_file")" dev.awsjca.testkit.Cli "$@"
