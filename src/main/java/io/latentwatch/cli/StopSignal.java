package io.latentwatch.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for a command: the JVM's shutdown hook only asks the command to stop, then
 * waits (up to a grace period) while the command's own thread closes what it opened, so every
 * command stops the same way and cleans up on the thread that owns its resources.
 *
 * <pre>{@code
 * try (StopSignal signal = StopSignal.install()) {
 *     ... work while !signal.stopRequested(), or signal.await() for a service ...
 * }   // closing tells the hook the command has finished cleaning up
 * }</pre>
 */
final class StopSignal implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(60);
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal() {
        hook = new Thread(() -> {
            requested.countDown();
            try {
                finished.await(GRACE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "latentwatch-shutdown");
    }

    /** Installs the shutdown hook. */
    static StopSignal install() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Whether Ctrl-C or SIGTERM has arrived. */
    boolean stopRequested() {
        return requested.getCount() == 0;
    }

    /** Blocks until Ctrl-C or SIGTERM arrives. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** The command has cleaned up: lets a waiting hook finish, or removes the hook when none ran. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and now returns
        }
    }
}
