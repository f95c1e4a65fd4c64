package io.latentwatch.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.latentwatch.model.Normalization;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PNG fast path against ImageIO: for every file, the model input (or the rejection) must be
 * exactly what the ImageIO path gives.
 */
class PngFastPathTest {
    private static final ImagePreprocessor.Shape GREY_28 = new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT);
    private static final ImagePreprocessor.Shape RGB_28 = new ImagePreprocessor.Shape(3, 28, 28, Normalization.UNIT);
    private static final int[] CHANNELS_OF_COLOUR_TYPE = {1, 0, 3, 0, 2, 0, 4};

    private final ImagePreprocessor fast = new ImagePreprocessor(InputLimits.DEFAULT, true);
    private final ImagePreprocessor imageIo = new ImagePreprocessor(InputLimits.DEFAULT, false);

    @Test
    void shouldGiveImageIosSamplesForEveryColourTypeAndRowFilter() throws IOException {
        // Given 400 random plain PNGs: each colour type, sizes from 1x1 to 60x60, every row with a
        // random filter of the five, the data split over one to three IDAT chunks, some with a text chunk
        Random random = new Random(11);
        for (int i = 0; i < 400; i++) {
            int colourType = new int[] {0, 2, 4, 6}[i % 4];
            byte[] png = encode(random, colourType, 1 + random.nextInt(60), 1 + random.nextInt(60));

            // When both paths make the grey and the RGB model inputs of it
            // Then they are the same, float for float, and the fast path took the file
            assertSameInput(png, GREY_28);
            assertSameInput(png, RGB_28);
            assertThat(PngFastPath.header(png)).isNotNull();
            assertThat(new PngFastPath().decode(png, PngFastPath.header(png))).isNotNull();
        }
    }

    @Test
    void shouldGiveImageIosSamplesForWhatImageIoItselfWrites() throws IOException {
        // Given PNGs written by ImageIO from grey, colour and colour-with-alpha pictures
        Random random = new Random(5);
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_RGB}) {
            BufferedImage image = new BufferedImage(37, 23, type);
            for (int y = 0; y < 23; y++) {
                for (int x = 0; x < 37; x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);

            // When both paths read them
            // Then the fast path takes them, and the inputs are the same
            byte[] png = out.toByteArray();
            assertThat(new PngFastPath().decode(png, PngFastPath.header(png))).isNotNull();
            assertSameInput(png, GREY_28);
            assertSameInput(png, RGB_28);
        }
    }

    @Test
    void shouldLeaveDamagedFilesToImageIoWithTheSameOutcome() throws IOException {
        // Given plain PNGs with bytes overwritten, cut short or lengthened at random
        Random random = new Random(3);
        for (int i = 0; i < 1500; i++) {
            byte[] png = encode(random, new int[] {0, 2, 4, 6}[i % 4], 1 + random.nextInt(40), 1 + random.nextInt(40));
            byte[] damaged = switch (i % 3) {
                case 0 -> {
                    byte[] d = png.clone();
                    for (int k = 0; k < 1 + random.nextInt(3); k++) {
                        d[random.nextInt(d.length)] = (byte) random.nextInt(256);
                    }
                    yield d;
                }
                case 1 -> Arrays.copyOf(png, 8 + random.nextInt(png.length - 8));
                default -> Arrays.copyOf(png, png.length + 1 + random.nextInt(20));
            };

            // When both paths read them
            // Then both give the same input, or both reject the file for the same reason
            assertSameInput(damaged, GREY_28);
        }
    }

    @Test
    void shouldLeaveFilesWithOtherChunksOrLayoutsToImageIo() throws IOException {
        // Given a palette image, a 16-bit grey image, an interlaced one and one with a gamma chunk
        BufferedImage palette = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_INDEXED);
        BufferedImage grey16 = new BufferedImage(10, 10, BufferedImage.TYPE_USHORT_GRAY);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ImageIO.write(palette, "png", a);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(grey16, "png", b);
        byte[] plain = encode(new Random(1), 0, 12, 12);
        byte[] interlaced = plain.clone();
        interlaced[8 + 8 + 12] = 1;
        byte[] gamma = withChunkAfterHeader(plain, "gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F});

        // When the fast path looks at them
        // Then it takes none, and ImageIO's path still reads them as before
        assertThat(PngFastPath.header(a.toByteArray())).isNull();
        assertThat(PngFastPath.header(b.toByteArray())).isNull();
        assertThat(PngFastPath.header(interlaced)).isNull();
        assertThat(new PngFastPath().decode(gamma, PngFastPath.header(gamma))).isNull();
        assertSameInput(a.toByteArray(), GREY_28);
        assertSameInput(b.toByteArray(), GREY_28);
        assertSameInput(gamma, GREY_28);
    }

    /**
     * Differential fuzzing: a plain PNG made from the input's first bytes (colour type, size,
     * filters), then damaged by the rest of it (pairs of position and new byte, or a cut), must read
     * the same through both paths. {@code JAZZER_FUZZ=1} explores; {@code mvn test} replays the
     * empty input only.
     */
    @FuzzTest(maxDuration = "2m")
    void shouldReadEveryDamagedPngAsImageIoDoes(byte[] input) throws IOException {
        if (input.length < 11) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        int colourType = new int[] {0, 2, 4, 6}[(in.get() & 0xFF) % 4];
        int width = 1 + (in.get() & 0x3F);
        int height = 1 + (in.get() & 0x3F);
        byte[] png = encode(new Random(in.getLong()), colourType, width, height);
        while (in.remaining() >= 3) {
            int at = (in.getShort() & 0xFFFF) % png.length;
            byte value = in.get();
            if (value == 0x7F && in.remaining() == 0) {
                png = Arrays.copyOf(png, at);
            } else {
                png[at] = value;
            }
        }
        assertSameInput(png, GREY_28);
        assertSameInput(png, RGB_28);
    }

    private void assertSameInput(byte[] png, ImagePreprocessor.Shape shape) {
        float[] viaFast = new float[shape.size()];
        float[] viaImageIo = new float[shape.size()];
        String fastRejection = read(fast, png, shape, viaFast);
        String imageIoRejection = read(imageIo, png, shape, viaImageIo);
        assertThat(fastRejection).isEqualTo(imageIoRejection);
        assertThat(viaFast).containsExactly(viaImageIo);
    }

    private static String read(ImagePreprocessor preprocessor, byte[] png, ImagePreprocessor.Shape shape,
                               float[] dest) {
        try {
            preprocessor.toInput(png, "image/png", shape, dest, 0);
            return null;
        } catch (RejectedInputException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }

    /** A plain PNG of random pixels, each row with a random filter, in 1-3 IDAT chunks, sometimes with text. */
    static byte[] encode(Random random, int colourType, int width, int height) throws IOException {
        int bpp = CHANNELS_OF_COLOUR_TYPE[colourType];
        int stride = width * bpp;
        byte[] pixels = new byte[height * stride];
        // smooth-ish pictures, so the filters' predictions matter, with some noise
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % stride * 7 + i / stride * 3 + random.nextInt(16));
        }
        byte[] filtered = new byte[height * (stride + 1)];
        for (int y = 0; y < height; y++) {
            int filter = random.nextInt(5);
            filtered[y * (stride + 1)] = (byte) filter;
            for (int i = 0; i < stride; i++) {
                int x = pixels[y * stride + i] & 0xFF;
                int left = i >= bpp ? pixels[y * stride + i - bpp] & 0xFF : 0;
                int up = y > 0 ? pixels[(y - 1) * stride + i] & 0xFF : 0;
                int upLeft = i >= bpp && y > 0 ? pixels[(y - 1) * stride + i - bpp] & 0xFF : 0;
                int predicted = switch (filter) {
                    case 0 -> 0;
                    case 1 -> left;
                    case 2 -> up;
                    case 3 -> (left + up) >>> 1;
                    default -> PngFastPath.paeth(left, up, upLeft); // ImageIO, not this, is what the test compares with
                };
                filtered[y * (stride + 1) + 1 + i] = (byte) (x - predicted);
            }
        }
        Deflater deflater = new Deflater();
        deflater.setInput(filtered);
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            z.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        byte[] compressed = z.toByteArray();

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        if (random.nextBoolean()) {
            chunk(png, "tEXt", "Software\0latentwatch test".getBytes(StandardCharsets.ISO_8859_1));
        }
        int parts = 1 + random.nextInt(3);
        int from = 0;
        for (int p = 0; p < parts; p++) {
            int to = p == parts - 1 ? compressed.length : from + random.nextInt(compressed.length - from + 1);
            chunk(png, "IDAT", Arrays.copyOfRange(compressed, from, to));
            from = to;
        }
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] withChunkAfterHeader(byte[] png, String type, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int afterHeader = 8 + 8 + 13 + 4;
        out.write(png, 0, afterHeader);
        chunk(out, type, data);
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    /** Appends a PNG chunk: length, type, data and the CRC of type and data. */
    static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
