package io.latentwatch.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Images encoded in memory for tests. */
public final class TestImages {
    private TestImages() {
    }

    /** A uniform grey image of the given pixel value, encoded as PNG. */
    public static byte[] greyPng(int width, int height, int value) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int[] row = new int[width];
        java.util.Arrays.fill(row, value);
        for (int y = 0; y < height; y++) {
            image.getRaster().setSamples(0, y, width, 1, 0, row);
        }
        return encode(image, "png");
    }

    /** A uniform colour image, encoded in the given ImageIO format ("png", "jpeg", "bmp"). */
    public static byte[] rgb(int width, int height, int rgb, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return encode(image, format);
    }

    /**
     * The image in an ImageIO format, written by the JDK's own writer where it has one (a plugin
     * on the class path, such as TwelveMonkeys' TIFF writer, may register ahead of it and write
     * fewer sample types).
     */
    public static byte[] encode(BufferedImage image, String format) {
        ImageWriter writer = jdkWriterFirst(ImageIO.getImageWritersByFormatName(format), format);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The JDK's writer among {@code writers} where there is one, else the first; throws when there is none. */
    public static ImageWriter jdkWriterFirst(Iterator<ImageWriter> writers, String format) {
        ImageWriter writer = null;
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (writer == null || w.getClass().getName().startsWith("com.sun.imageio.")) {
                writer = w;
            }
        }
        if (writer == null) {
            throw new IllegalArgumentException("no ImageIO writer for " + format);
        }
        return writer;
    }
}
