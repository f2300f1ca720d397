package dev.whisk.testkit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting {@code whisk} commands in child JVMs for multi-process tests, with this JVM's flags and classpath. The
 * main class is named, not referenced ({@link #WHISK_MAIN}): the testkit does not depend on the launcher.
 */
public final class ChildJvm
{
    /** The launcher's main class, which {@link #whisk(List, File)} runs. */
    public static final String WHISK_MAIN = "dev.whisk.launcher.Whisk";

    private ChildJvm()
    {
    }

    /** What runs after a test's processes stopped (removing the containers they left, say). */
    public interface AfterStop
    {
        void run() throws Exception;
    }

    /**
     * The child processes of a test, as a list it adds to, stopped after each test ({@link #stopAll(List)}), then
     * {@code afterStop} runs. Declared as {@code @RegisterExtension final ChildJvm.Processes processes = ...}.
     */
    public static Processes processes(final AfterStop afterStop)
    {
        return new Processes(afterStop);
    }

    /** See {@link #processes(AfterStop)}. */
    public static final class Processes extends ArrayList<Process> implements AfterEachCallback
    {
        private final transient AfterStop afterStop;

        private Processes(final AfterStop afterStop)
        {
            this.afterStop = afterStop;
        }

        @Override
        public void afterEach(final ExtensionContext context) throws Exception
        {
            try
            {
                stopAll(this);
                clear();
            }
            finally
            {
                afterStop.run();
            }
        }
    }

    /** Runs {@code whisk <args>} in a new JVM, its output going to {@code log}. */
    public static Process whisk(final List<String> args, final File log) throws IOException
    {
        return whisk(List.of(), args, log);
    }

    /** Runs {@code whisk <args>} in a new JVM with {@code jvmArgs} added, its output going to {@code log}. */
    public static Process whisk(final List<String> jvmArgs, final List<String> args, final File log) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("-Daeron") ||
                arg.startsWith("-Dio.netty"))
            {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WHISK_MAIN);
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    public static int freeUdpPort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    public static int freeTcpPort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    /** Asks every process to stop (SIGTERM), then kills those still running after 30 s. */
    public static void stopAll(final java.util.List<Process> processes) throws InterruptedException
    {
        for (final Process p : processes)
        {
            p.destroy();
        }
        for (final Process p : processes)
        {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
        }
    }
}
