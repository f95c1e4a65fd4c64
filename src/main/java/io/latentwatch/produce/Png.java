package io.latentwatch.produce;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Encodes 8-bit grey pixels as PNG. */
public final class Png {
    private Png() {
    }

    /** Encodes {@code rows * cols} row-major grey pixels. */
    public static byte[] grey(byte[] pixels, int rows, int cols) {
        BufferedImage image = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, cols, rows, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows * cols);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
