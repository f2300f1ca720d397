package dev.whisk.launcher;

import dev.whisk.testkit.ChildJvm;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real engines the event-source feed tests run against, each started once per test run (the first test that
 * asks for it) and stopped when the run ends: a Kafka broker in KRaft combined mode in a child JVM (the
 * {@code kafka_2.13} test dependency), PostgreSQL 15 ({@code initdb}/{@code pg_ctl} as user {@code postgres} in a
 * temporary directory with {@code wal_level=logical}) and {@code redis-server}, all on loopback. A missing engine
 * fails the test: CI installs PostgreSQL and Redis ({@code .ci/run}).
 */
final class Engines
{
    private static final String PG_BIN = "/usr/lib/postgresql/15/bin/";
    private static final long START_TIMEOUT_S = 90;

    private Engines()
    {
    }

    /** A running engine: where it listens, and what stops it. */
    record Engine(String host, int port, Path dir, Process process, Runnable stop)
        implements ExtensionContext.Store.CloseableResource, AutoCloseable
    {
        String address()
        {
            return host + ":" + port;
        }

        @Override
        public void close()
        {
            stop.run();
        }
    }

    static Engine kafka(final ExtensionContext context)
    {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent("engine-kafka", k -> startKafka(), Engine.class);
    }

    static Engine postgres(final ExtensionContext context)
    {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent("engine-postgres", k -> startPostgres(), Engine.class);
    }

    static Engine redis(final ExtensionContext context)
    {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent("engine-redis", k -> startRedis(), Engine.class);
    }

    private static Engine startKafka()
    {
        try
        {
            final Path dir = Files.createTempDirectory("whisk-kafka");
            final int port = ChildJvm.freeTcpPort();
            final int controllerPort = ChildJvm.freeTcpPort();
            final Path props = dir.resolve("server.properties");
            Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.partitions=1",
                "auto.create.topics.enable=false", ""));
            final Process format = java(List.of("kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", props.toString()), dir.resolve("format.log").toFile());
            if (!format.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS) || format.exitValue() != 0)
            {
                throw new IllegalStateException("formatting Kafka's storage failed: " +
                    Files.readString(dir.resolve("format.log")));
            }
            final Process broker = java(List.of("kafka.Kafka", props.toString()), dir.resolve("broker.log").toFile());
            stopAtExit(broker::destroy);
            awaitPort(port, broker, dir.resolve("broker.log"));
            return new Engine("127.0.0.1", port, dir, broker, () -> stop(broker));
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static Engine startPostgres()
    {
        try
        {
            if (!Files.exists(Path.of(PG_BIN, "initdb")))
            {
                throw new IllegalStateException("PostgreSQL 15 is not installed (apt-get install postgresql-15; " +
                    ".ci/run does it)");
            }
            final Path dir = Files.createTempDirectory("whisk-pg");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            final Path data = dir.resolve("data");
            final int port = ChildJvm.freeTcpPort();
            run(List.of("runuser", "-u", "postgres", "--", PG_BIN + "initdb", "-D", data.toString(), "-U",
                "postgres", "--auth=trust", "-E", "UTF8"), dir.resolve("initdb.log"));
            // a password for the tests that prove a wrong one fails the CREATE; trust for the local socket only
            Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
                "local all all trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host replication all 127.0.0.1/32 scram-sha-256", ""));
            run(List.of("runuser", "-u", "postgres", "--", PG_BIN + "pg_ctl", "-D", data.toString(), "-w", "-t",
                "60", "-l", dir.resolve("server.log").toString(), "-o", "-c wal_level=logical -c port=" + port +
                    " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir +
                    " -c max_replication_slots=20 -c max_wal_senders=20 -c fsync=off", "start"),
                dir.resolve("pg_ctl.log"));
            run(List.of("runuser", "-u", "postgres", "--", PG_BIN + "psql", "-h", dir.toString(), "-p",
                Integer.toString(port), "-d", "postgres", "-c", "alter user postgres password 'secret'"),
                dir.resolve("psql.log"));
            final Runnable stop = () ->
            {
                try
                {
                    run(List.of("runuser", "-u", "postgres", "--", PG_BIN + "pg_ctl", "-D", data.toString(), "-m",
                        "immediate", "stop"), dir.resolve("stop.log"));
                }
                catch (final IOException | InterruptedException | IllegalStateException ex)
                {
                    // already stopped, or the temporary cluster goes with the machine's temp files
                }
            };
            stopAtExit(stop);
            return new Engine("127.0.0.1", port, dir, null, stop);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static Engine startRedis()
    {
        try
        {
            final Path dir = Files.createTempDirectory("whisk-redis");
            final int port = ChildJvm.freeTcpPort();
            final Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--requirepass",
                "secret").redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            stopAtExit(redis::destroy);
            awaitPort(port, redis, dir.resolve("redis.log"));
            return new Engine("127.0.0.1", port, dir, redis, () -> stop(redis));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("redis-server could not start (apt-get install redis-server; " +
                ".ci/run does it): " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Also stops the engine when the test JVM is told to end (a SIGTERM to Surefire's fork skips JUnit's store
     * cleanup), so that no broker or server outlives its run.
     */
    private static void stopAtExit(final Runnable stop)
    {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "stop-engine"));
    }

    private static Process java(final List<String> args, final File log) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void run(final List<String> cmd, final Path log) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0)
        {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(log));
        }
    }

    private static void awaitPort(final int port, final Process p, final Path log)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < deadline)
        {
            if (!p.isAlive())
            {
                throw new IllegalStateException("the engine exited: " + Files.readString(log));
            }
            try (Socket s = new Socket())
            {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the engine did not listen on " + port + " within " + START_TIMEOUT_S +
            " s: " + Files.readString(log));
    }

    private static void stop(final Process p)
    {
        p.destroy();
        try
        {
            if (!p.waitFor(20, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
        }
        catch (final InterruptedException ex)
        {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
