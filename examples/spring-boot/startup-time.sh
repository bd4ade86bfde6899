#!/usr/bin/env bash
# Start-up time of the example application with and without queue-spring-boot-starter: RUNS fresh JVMs of each,
# interleaved, JVM start to ApplicationReadyEvent (RuntimeMXBean uptime) and the JVM's CPU time until then;
# prints every run and the medians.
# Needs PostgreSQL on 127.0.0.1:5432 (database test, user postgres) as the example does.
#   bash examples/spring-boot/startup-time.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-5}"
mvn -B -q -pl examples/spring-boot -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/startup-classpath.txt -Dmdep.includeScope=test -Dmaven.javadoc.skip -Dmaven.source.skip
CP="examples/spring-boot/target/test-classes:examples/spring-boot/target/classes:$(cat examples/spring-boot/target/startup-classpath.txt)"
with=(); without=(); with_cpu=(); without_cpu=()
for i in $(seq 1 "$RUNS"); do
  for mode in with without; do
    line=$(java -cp "$CP" dev.docket.examples.startup.StartupTime "$mode" | grep "^$mode startup-ms=")
    ms=$(sed -n 's/.*startup-ms=\([0-9]*\).*/\1/p' <<<"$line"); cpu=$(sed -n 's/.*cpu-ms=\([0-9]*\).*/\1/p' <<<"$line")
    echo "run $i $mode: $ms ms wall, $cpu ms CPU"
    if [ "$mode" = with ]; then with+=("$ms"); with_cpu+=("$cpu"); else without+=("$ms"); without_cpu+=("$cpu"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
mw=$(median "${with[@]}"); mo=$(median "${without[@]}")
cw=$(median "${with_cpu[@]}"); co=$(median "${without_cpu[@]}")
echo "median wall: with the starter $mw ms, without $mo ms, overhead $((mw - mo)) ms"
echo "median CPU:  with the starter $cw ms, without $co ms, overhead $((cw - co)) ms"
