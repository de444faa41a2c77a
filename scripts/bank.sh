#!/usr/bin/env bash
# The bank invariant test, long version (Java SE variant: HikariCP over the wrapper driver), on a testkit
# cluster of its own: 16 tellers move money while faults of every kind hit the cluster in a seeded random
# order; a progress line while it runs, a verdict table at the end; exit 1 if any invariant broke.
#   scripts/bank.sh --faults 10            # 10 faults of each of the 7 kinds (about 15 minutes)
#   scripts/bank.sh --faults 10 --seed 42  # the same order and timing of faults again
# The short version (2 of each kind) runs in `mvn verify` as reliability's BankTest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
export AWS_EC2_METADATA_DISABLED=true
scripts/ensure-postgresql.sh >/dev/null
mvn -B -q -Dstyle.color=never -pl reliability -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp=$(cat reliability/target/runtime.classpath)
exec java -cp "reliability/target/classes:$cp" dev.awsjca.reliability.bank.BankMain "$@"
