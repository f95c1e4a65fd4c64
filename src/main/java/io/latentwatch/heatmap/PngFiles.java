package io.latentwatch.heatmap;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import javax.imageio.ImageIO;

/** Encodes pictures as PNG and writes them atomically (a reader never sees half a file). */
public final class PngFiles {
    static {
        // ImageIO would otherwise spill to temporary files.
        ImageIO.setUseCache(false);
    }

    private PngFiles() {
    }

    /** The image as PNG bytes. */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("this JRE has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the image as a PNG file, creating parent directories; returns the bytes written. */
    public static long write(BufferedImage image, Path file) {
        byte[] png = encode(image);
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            // not createTempFile: its owner-only permissions would stay on the picture
            Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.write(tmp, png, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return png.length;
    }
}
