package io.latentwatch.produce;

import io.latentwatch.cli.Main;
import io.latentwatch.kafka.EmbeddedKafka;
import io.latentwatch.testing.Records;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

class ProduceCommandIT {

    @Test
    void shouldStreamLabelledPngCloudEventsFromTheBundledSample() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            // When produce sends 60 images, a third of them from an anomaly class
            int exit = Main.run("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--input-topic", "cams",
                    "--count", "60", "--rate", "0", "--normal-classes", "5,7,9", "--anomaly-classes", "0",
                    "--anomaly-fraction", "0.33");
            assertThat(exit).isZero();

            // Then a real consumer finds 60 CloudEvents carrying 28x28 PNGs and their labels
            List<ConsumerRecord<byte[], byte[]>> records = Records.readUntil(kafka.bootstrapServers(), List.of("cams"),
                    r -> r.size() >= 60, Duration.ofSeconds(30), Duration.ZERO);
            assertThat(records).hasSize(60);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(Records.header(r, "ce_specversion")).isEqualTo("1.0");
                assertThat(Records.header(r, "content-type")).isEqualTo("image/png");
                assertThat(Records.header(r, "ce_id")).isEqualTo(new String(r.key()));
                String label = Records.header(r, ImageEvents.LABEL_HEADER);
                assertThat(label).isIn("0", "5", "7", "9");
                assertThat(Records.header(r, ImageEvents.EXPECTED_ANOMALY_HEADER)).isEqualTo(String.valueOf(label.equals("0")));
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.value()));
                assertThat(image.getWidth()).isEqualTo(28);
                assertThat(image.getHeight()).isEqualTo(28);
            }
            assertThat(records).anySatisfy(r -> assertThat(Records.header(r, ImageEvents.LABEL_HEADER)).isEqualTo("0"));
        }
    }
}
