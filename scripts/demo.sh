#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgresql.sh
mvn -B -q -DskipTests install
echo "The demo arrives with the wrapper driver."
