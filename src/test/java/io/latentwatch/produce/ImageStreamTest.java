package io.latentwatch.produce;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ImageStreamTest {
    private final IdxDataset data = tinySet();

    @Test
    void shouldMixAnomaliesAtTheAskedFractionReproducibly() {
        // Given 2 normal classes and 1 anomaly class, 20% anomalies
        ImageStream a = ImageStream.fromIdx(data, LabelSet.of(1, 2), LabelSet.of(3), 0.2, 9);
        ImageStream b = ImageStream.fromIdx(data, LabelSet.of(1, 2), LabelSet.of(3), 0.2, 9);

        // When 5000 images are drawn
        List<Integer> labelsA = new ArrayList<>();
        List<Integer> labelsB = new ArrayList<>();
        int anomalies = 0;
        for (int i = 0; i < 5000; i++) {
            LabelledImage image = a.next();
            labelsA.add(image.label());
            labelsB.add(b.next().label());
            if (image.anomaly()) {
                anomalies++;
                assertThat(image.label()).isEqualTo(3);
            } else {
                assertThat(image.label()).isIn(1, 2);
            }
        }

        // Then about 20% are anomalies, and the same seed gives the same stream
        assertThat(anomalies / 5000.0).isCloseTo(0.2, within(0.03));
        assertThat(labelsA).isEqualTo(labelsB);
    }

    @Test
    void shouldSendEveryImageAsADecodablePngWhenNoAnomalyClassIsGiven() throws Exception {
        ImageStream stream = ImageStream.fromIdx(data, null, null, 0.5, 1);

        assertThat(stream.size()).isEqualTo(data.count());
        LabelledImage image = stream.next();
        assertThat(image.contentType()).isEqualTo("image/png");
        assertThat(image.anomaly()).isFalse();
        assertThat(ImageIO.read(new ByteArrayInputStream(image.bytes())).getWidth()).isEqualTo(4);
    }

    /** 30 images of 4x4 pixels, labels 1, 2, 3 in turn. */
    private static IdxDataset tinySet() {
        int n = 30;
        byte[] pixels = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = 1 + i % 3;
            pixels[i * 16] = (byte) i;
        }
        return new IdxDataset(pixels, labels, 4, 4);
    }
}
