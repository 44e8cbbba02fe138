#!/usr/bin/env bash
# Start-up as a plain application meets it: a fresh JVM per run, on the class path an application
# gets from depending on queue-runtime and queue-store-postgres (their jars and their runtime
# dependencies; no logging backend, nothing loaded before the clock starts). Each run times
# PostgresStore.start, DocketRuntime's build, the start() call and the first job: one job submitted
# before start(), from the start() call to its handler (StartupProbe.java). It prints one JSON line
# a run, then the median of each figure ({"result": "median", ...}). docket bench's startup_ms
# leaves out the classes its child loaded before its clock (Jackson, for its plan).
#   bench/startup/run.sh [--aot] [runs]   # PostgreSQL from DOCKET_URL/DOCKET_USER, default the
#                                         # local test database as postgres; 5 runs by default
#   JAVA_OPTIONS='-XX:TieredStopAtLevel=1' bench/startup/run.sh 6
# JAVA_OPTIONS: JVM options for every run (split on spaces), the training run's too.
# --aot (JDK 25 or newer): first one training run with -XX:AOTCacheOutput=<tmp>/app.aot, not
# measured, then the measured runs with -XX:AOTCache=<tmp>/app.aot. The cache only covers classes
# from jars, which is why the runs use jars, and holds only for the same JDK and class path.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bin/pick-jdk.sh >/dev/null
aot=false
if [ "${1:-}" = --aot ]; then
  aot=true
  shift
fi
runs=${1:-5}
url=${DOCKET_URL:-jdbc:postgresql://127.0.0.1:5432/test}
user=${DOCKET_USER:-postgres}
read -r -a java_options <<<"${JAVA_OPTIONS:-}"
major=$(java_major "$JAVA_HOME")
if $aot && [ "$major" -lt 25 ]; then
  echo "bench/startup/run.sh: --aot needs JDK 25 or newer (-XX:AOTCacheOutput); $JAVA_HOME is JDK $major." >&2
  exit 2
fi
out=$(mktemp -d /tmp/docket-startup.XXXXXX)
trap 'rm -rf "$out"' EXIT
# One reactor: the dependencies' class path names the sibling modules' jars just packaged, not
# whatever SNAPSHOTs the local repository holds. Each module writes its own target/startup.cp.
./mvnw -q -B -pl queue-runtime,queue-store-postgres -am package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/startup.cp -DskipTests -Dspotless.check.skip \
  -Djacoco.skip -Dmaven.javadoc.skip -Dmaven.source.skip >&2
# The files end without a newline: each gets one, or two files' entries would run together.
cp=$(for module in queue-runtime queue-store-postgres; do
  tr ':' '\n' <"$module/target/startup.cp"
  echo
  ls "$module"/target/"$module"-*.jar | grep -Ev -- '-(sources|tests|javadoc)\.jar$'
done | grep -v '^$' | awk '!seen[$0]++' | paste -sd:)
"$JAVA_HOME/bin/javac" -cp "$cp" -d "$out/classes" bench/startup/StartupProbe.java
"$JAVA_HOME/bin/jar" --create --file "$out/probe.jar" -C "$out/classes" .
cp="$cp:$out/probe.jar"
if $aot; then
  # The training run does what the measured runs do; the JVM writes the cache as it exits.
  if ! "$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$out/app.aot" ${java_options[@]+"${java_options[@]}"} \
    -cp "$cp" StartupProbe "$url" "$user" >"$out/training.out" 2>"$out/training.err" \
    || [ ! -s "$out/app.aot" ]; then
    cat "$out/training.err" >&2
    echo "bench/startup/run.sh: the training run made no AOT cache." >&2
    exit 1
  fi
  # AOTMode=on: a run that cannot use the cache fails, rather than quietly measure without it.
  java_options=(-XX:AOTCache="$out/app.aot" -XX:AOTMode=on ${java_options[@]+"${java_options[@]}"})
fi
for _ in $(seq "$runs"); do
  spawned=$(date +%s%N)
  line=$("$JAVA_HOME/bin/java" ${java_options[@]+"${java_options[@]}"} -cp "$cp" StartupProbe \
    "$url" "$user" 2>"$out/run.err" | tail -1) || true
  exited=$(date +%s%N)
  if [ "${line:0:1}" != "{" ]; then
    cat "$out/run.err" >&2
    echo "bench/startup/run.sh: a run printed no figures; its standard error is above." >&2
    exit 1
  fi
  # The whole process as seen from here: the JVM's own start and exit included.
  line="${line%\}}, \"process_ms\": $(((exited - spawned) / 1000000))}"
  echo "$line"
  echo "$line" >>"$out/runs.json"
done
python3 - "$out/runs.json" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
median = {"result": "median", "runs": len(runs)}
for key, value in runs[0].items():
    values = [r.get(key) for r in runs]
    if all(isinstance(v, (int, float)) for v in values):
        median[key] = round(statistics.median(values), 1)
    elif all(v == value for v in values):
        median[key] = value
print(json.dumps(median))
PY
