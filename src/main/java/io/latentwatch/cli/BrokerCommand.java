package io.latentwatch.cli;

import io.latentwatch.kafka.EmbeddedKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code latentwatch broker}: a throw-away single-node Kafka broker for trying latentwatch out. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a single-node Kafka broker (KRaft) in this process, for trying latentwatch on a laptop.",
                "Its data lives in a temporary directory removed on exit. Not for production."})
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Loopback port of the client listener; 0 picks a free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        try (StopSignal signal = StopSignal.install();
             EmbeddedKafka kafka = EmbeddedKafka.start(port)) {
            System.out.println("Kafka broker ready: --bootstrap-servers " + kafka.bootstrapServers()
                    + "  (Ctrl-C stops it and deletes its data)");
            signal.await();
        }
        return 0;
    }
}
