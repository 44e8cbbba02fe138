# Sourced by ./docket and .ci/run: sets JAVA_HOME to a JDK 21 or newer.
# Keeps JAVA_HOME if it already names one; else takes the newest JDK under /usr/lib/jvm
# (or /Library/Java/JavaVirtualMachines on a Mac).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ]; then
  best=""; best_major=0
  for dir in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$dir/bin/javac" ] || continue
    major=$(java_major "$dir")
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ]; then best=$dir; best_major=$major; fi
  done
  if [ "$best_major" -lt 21 ]; then
    echo "Docket needs a JDK 21 or newer: install one and set JAVA_HOME to it." >&2
    exit 1
  fi
  export JAVA_HOME=$best
fi
