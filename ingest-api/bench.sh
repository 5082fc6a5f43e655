#!/usr/bin/env bash
# Measurements of ingest-api (not part of `mvn verify`): throughput against a same-run baseline, and
# the contact view's memory per contact. Needs wrk (apt-get install wrk) for the throughput part.
#   ingest-api/bench.sh throughput [seconds] [connections,...] [wrk-threads]
#   ingest-api/bench.sh footprint [contacts] [workspaces]
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor run, so sibling modules come from their target/classes, never from a stale ~/.m2 copy.
mvn -B -q -pl ingest-api -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="ingest-api/target/test-classes:ingest-api/target/classes:$(cat ingest-api/target/bench.classpath)"
what="${1:-throughput}"; shift || true
case "$what" in
  throughput) exec java -Xmx1g -cp "$CP" dev.eventpipeline.ingest.bench.IngestThroughputBench "$@" ;;
  footprint)  exec java -Xmx2g -XX:+UseG1GC -cp "$CP" dev.eventpipeline.ingest.bench.ContactViewFootprint "$@" ;;
  *) echo "usage: $0 throughput|footprint [args]" >&2; exit 2 ;;
esac
