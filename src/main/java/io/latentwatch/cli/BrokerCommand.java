package io.latentwatch.cli;

import io.latentwatch.kafka.EmbeddedKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code latentwatch broker}: a throw-away single-node Kafka broker for trying latentwatch out. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Runs a single-node Kafka broker (KRaft) in this process, for trying latentwatch on a laptop."
                + " Its data lives in a temporary directory removed on exit, or in --data-dir, kept for the next"
                + " start. Not for production.")
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Loopback port of the client listener; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Keep the broker's data here: formatted on first use, reused by the next start, kept on"
                    + " exit, so that a broker stopped and started again on the same --port has its topics, offsets"
                    + " and transactions back (default: a temporary directory removed on exit)."})
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("--data-dir " + dataDir + " is not a directory; give a directory"
                    + " (created when missing)");
        }
        try (StopSignal signal = StopSignal.install();
             EmbeddedKafka kafka = EmbeddedKafka.start(port, dataDir)) {
            System.out.println("Kafka broker ready: --bootstrap-servers " + kafka.bootstrapServers()
                    + (dataDir == null ? "  (Ctrl-C stops it and deletes its data)"
                    : "  (Ctrl-C stops it; its data stays in " + dataDir + ")"));
            signal.await();
        }
        return 0;
    }
}
