#!/usr/bin/env bash
# The WildFly benchmark under its old name: scripts/bench-server.sh --server wildfly ARGS (see that script).
exec "$(dirname "$0")/bench-server.sh" --server wildfly "$@"
