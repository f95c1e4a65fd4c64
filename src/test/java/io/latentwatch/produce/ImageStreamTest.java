package io.latentwatch.produce;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.LabelSet;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestWebp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void shouldSendEveryImageFileOfADirectoryThatTheDetectorDecodes(@TempDir Path dir) throws Exception {
        // Given a directory with a PNG, an upper-case JPEG name, a WebP and a text file
        Files.write(dir.resolve("a.png"), TestImages.greyPng(4, 4, 9));
        Files.write(dir.resolve("b.JPG"), TestImages.rgb(4, 4, 0x808080, "jpeg"));
        Files.write(dir.resolve("c.webp"), TestWebp.twoGreyLevels(4, 4, 10, 200, (x, y) -> x & 1));
        Files.writeString(dir.resolve("notes.txt"), "not an image");

        // When streamed
        ImageStream stream = ImageStream.fromDirectory(dir);

        // Then the three images go out, each with its media type
        assertThat(stream.size()).isEqualTo(3);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            types.add(stream.next().contentType());
        }
        assertThat(types).containsExactly("image/png", "image/jpeg", "image/webp");
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
