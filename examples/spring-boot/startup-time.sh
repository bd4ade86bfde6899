#!/usr/bin/env bash
# Start-up time of the example application with and without queue-spring-boot-starter: RUNS fresh JVMs of each,
# interleaved, JVM start to ApplicationReadyEvent (RuntimeMXBean uptime); prints every run and the medians.
# Needs PostgreSQL on 127.0.0.1:5432 (database test, user postgres) as the example does.
#   bash examples/spring-boot/startup-time.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-5}"
mvn -B -q -pl examples/spring-boot -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/startup-classpath.txt -Dmdep.includeScope=test -Dmaven.javadoc.skip -Dmaven.source.skip
CP="examples/spring-boot/target/test-classes:examples/spring-boot/target/classes:$(cat examples/spring-boot/target/startup-classpath.txt)"
with=(); without=()
for i in $(seq 1 "$RUNS"); do
  for mode in with without; do
    ms=$(java -cp "$CP" dev.docket.examples.startup.StartupTime "$mode" | sed -n "s/^$mode startup-ms=//p")
    echo "run $i $mode: $ms ms"
    if [ "$mode" = with ]; then with+=("$ms"); else without+=("$ms"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mw=$(median "${with[@]}"); mo=$(median "${without[@]}")
echo "median with the starter: $mw ms; without: $mo ms; overhead: $((mw - mo)) ms"
