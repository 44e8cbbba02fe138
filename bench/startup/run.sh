#!/usr/bin/env bash
# Start-up as a plain application meets it: a fresh JVM per run, on the class path an application
# gets from depending on queue-runtime and queue-store-postgres (no logging backend, nothing loaded
# before the clock starts), timing PostgresStore.start and DocketRuntime's build. docket bench's
# startup_ms leaves out the classes its child loaded before its clock (Jackson, for its plan).
#   bench/startup/run.sh [runs]      # PostgreSQL from DOCKET_URL, default the local test database
set -euo pipefail
cd "$(dirname "$0")/../.."
. bin/pick-jdk.sh >/dev/null
runs=${1:-5}
url=${DOCKET_URL:-jdbc:postgresql://127.0.0.1:5432/test}
user=${DOCKET_USER:-postgres}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./mvnw -q -B -pl queue-runtime,queue-store-postgres -am install -DskipTests -Dspotless.check.skip \
  -Djacoco.skip -Dmaven.javadoc.skip -Dmaven.source.skip >&2
for module in queue-runtime queue-store-postgres; do
  ./mvnw -q -B -pl "$module" dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile="$out/$module.cp" >&2
done
cp=$(cat "$out"/*.cp | tr ':' '\n' | grep -v '^$' | sort -u | paste -sd:)
cp="$cp:queue-runtime/target/classes:queue-store-postgres/target/classes"
"$JAVA_HOME/bin/javac" -cp "$cp" -d "$out/classes" bench/startup/StartupProbe.java
for _ in $(seq "$runs"); do
  "$JAVA_HOME/bin/java" -cp "$cp:$out/classes" StartupProbe "$url" "$user" 2>/dev/null | tail -1
done
