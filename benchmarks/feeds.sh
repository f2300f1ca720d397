#!/usr/bin/env bash
# The event-source feeds' figures (FeedsBench) on real engines, started here on loopback and stopped at the end:
# a Kafka broker (KRaft, the kafka_2.13 jars from Maven Central), PostgreSQL 15 (wal_level=logical, as user
# postgres) and redis-server. Prints event-to-action-start p50/p99 per source and sustained events/s per trigger.
#   benchmarks/feeds.sh [paced events per source] [burst events] [paced events/s]
# Needs: a built benchmarks/target/benchmarks.jar (mvn -B -q -DskipTests package), Docker, postgresql-15, redis-server.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/whisk-feeds-bench.XXXXXX)"
chmod 777 "$WORK"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KAFKA_PORT=$(free_port); CONTROLLER_PORT=$(free_port); PG_PORT=$(free_port); REDIS_PORT=$(free_port)
PG_BIN=/usr/lib/postgresql/15/bin
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Kafka's classpath from Maven (resolved once into ~/.m2), through a throwaway pom naming only the broker.
mkdir -p "$WORK/kcp"
cat > "$WORK/kcp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>bench</groupId><artifactId>kafka-cp</artifactId><version>1</version>
<dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
<version>4.4.0</version></dependency></dependencies></project>
POM
mvn -B -q -f "$WORK/kcp/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/kafka.cp" >/dev/null
cat > "$WORK/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka-logs
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
KJAVA=(java -Xmx512m -XX:+UseSerialGC -cp "$(cat "$WORK/kafka.cp")")
"${KJAVA[@]}" kafka.tools.StorageTool format -t "$("${KJAVA[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/server.properties" > "$WORK/kafka-format.log" 2>&1
"${KJAVA[@]}" kafka.Kafka "$WORK/server.properties" > "$WORK/kafka.log" 2>&1 &
pids+=($!)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --requirepass secret \
    > "$WORK/redis.log" 2>&1 &
pids+=($!)

runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 > "$WORK/initdb.log"
printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost replication all 127.0.0.1/32 scram-sha-256\n' \
    > "$WORK/pg/pg_hba.conf"
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg.log" -o "-c wal_level=logical -c port=$PG_PORT \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK -c max_replication_slots=20" start > /dev/null
runuser -u postgres -- "$PG_BIN/psql" -h "$WORK" -p "$PG_PORT" -d postgres -qc "alter user postgres password 'secret'"

for port in "$KAFKA_PORT" "$REDIS_PORT"; do
    for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done
JVM_FLAGS=$(sed -n 's:.*<jvm.flags>\(.*\)</jvm.flags>.*:\1:p' "$HOME_DIR/pom.xml")
# shellcheck disable=SC2086
java $JVM_FLAGS -cp "$HOME_DIR/benchmarks/target/benchmarks.jar" dev.whisk.bench.FeedsBench \
    "127.0.0.1:$KAFKA_PORT" "$PG_PORT" secret "$REDIS_PORT" secret "$@"
