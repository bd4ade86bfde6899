#!/usr/bin/env bash
# Builds the benchmarks jar and runs the chaos soak against the local PostgreSQL.
#   benchmarks/soak.sh                 # quick: K=3 workers, M=2,000 jobs, about a minute
#   benchmarks/soak.sh --minutes 10    # long: K=4, M=50,000
# Any other SoakTest option is passed through (--seed S, --workers K, --jobs M, --keep-failed-schema ...).
# Database: DOCKET_BENCH_JDBC_URL / _USER / _PASSWORD, default jdbc:postgresql://127.0.0.1:5432/test as postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -pl benchmarks -am -DskipTests
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.soak.SoakTest --log-dir benchmarks/target/soak-logs "$@"
