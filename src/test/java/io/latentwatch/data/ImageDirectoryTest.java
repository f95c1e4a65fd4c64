package io.latentwatch.data;

import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.model.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

class ImageDirectoryTest {

    @Test
    void shouldLoadEveryImageAsModelInputAndSkipFilesThatDoNotDecode(@TempDir Path dir) throws IOException {
        // Given a white 56x56 PNG, a black RGB JPEG in a sub-directory, and a broken PNG
        BufferedImage white = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = white.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 56, 56);
        g.dispose();
        ImageIO.write(white, "png", dir.resolve("a.png").toFile());
        Files.createDirectories(dir.resolve("more"));
        ImageIO.write(new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB), "jpg", dir.resolve("more/b.jpg").toFile());
        Files.write(dir.resolve("c.png"), new byte[] {1, 2, 3});

        // When the directory is loaded as grey 28x28 unit-normalised input
        Images images = ImageDirectory.load(dir, new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT),
                InputLimits.DEFAULT);

        // Then both good images are there, in path order, converted like the detector converts them
        assertThat(images.count()).isEqualTo(2);
        assertThat(images.imageSize()).isEqualTo(784);
        assertThat(images.pixels()[0]).isEqualTo(1f);
        assertThat(images.pixels()[784]).isEqualTo(0f);
    }
}
