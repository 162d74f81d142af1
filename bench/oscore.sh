#!/bin/sh
# OSCORE req/s (BENCHMARKS.md, OSCORE): Tern with and without OSCORE against Californium 3.13 with
# and without cf-oscore, one load generator, each in its own JVM. Arguments: [rounds] [warm-up s] [measure s].
# Builds tern-oscore's test classes (Californium 3.13 is a test dependency there) through the reactor.
set -e
cd "$(dirname "$0")/.."
mvn -B -q -o -pl tern-oscore -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test.cp >/dev/null
CP="tern-oscore/target/test-classes:tern-oscore/target/classes:$(cat tern-oscore/target/test.cp)"
exec java -cp "$CP" dev.tern.coap.oscore.bench.OscoreBench run "${1:-3}" "${2:-3}" "${3:-8}"
