package io.latentwatch.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaIT {

    @Test
    void shouldServeOnLoopbackAndLeaveNothingBehindWhenClosed() throws Exception {
        // Given a started broker
        Path dataDir;
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dataDir = kafka.dataDir();
            port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));

            // Then it answers a real client on 127.0.0.1, with its data in a temporary directory
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(Files.isDirectory(dataDir)).isTrue();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        }

        // When it is closed, then its data is gone and its port is free again
        assertThat(Files.exists(dataDir)).isFalse();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldBeSafeToCloseTwice() {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        kafka.close();
        kafka.close();
        assertThat(Files.exists(kafka.dataDir())).isFalse();
    }
}
