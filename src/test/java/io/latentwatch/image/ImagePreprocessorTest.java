package io.latentwatch.image;

import io.latentwatch.model.Normalization;
import io.latentwatch.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ImagePreprocessorTest {
    private static final ImagePreprocessor.Shape GREY_28 = new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT);
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);

    @Test
    void shouldKeepTheExactPixelsOfAGreyPngOfTheModelsSize() throws Exception {
        // Given a grey 28x28 PNG with a gradient
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                image.getRaster().setSample(x, y, 0, (x * 9 + y) % 256);
            }
        }
        byte[] png = TestImages.encode(image, "png");
        float[] out = new float[784];

        // When it is converted
        preprocessor.toInput(png, "image/png", GREY_28, out, 0);

        // Then every value is pixel/255
        assertThat(out[0]).isEqualTo(0f);
        assertThat(out[27]).isCloseTo((27 * 9 % 256) / 255f, within(1e-6f));
        assertThat(out[28 * 5 + 3]).isCloseTo((3 * 9 + 5) / 255f, within(1e-6f));
    }

    @Test
    void shouldConvertALargeColourJpegToGreyOfTheModelsSize() throws Exception {
        // Given a 300x200 pure-red JPEG
        byte[] jpeg = TestImages.rgb(300, 200, 0xFF0000, "jpeg");
        float[] out = new float[784];

        // When it is converted for a grey 28x28 model
        preprocessor.toInput(jpeg, "image/jpeg", GREY_28, out, 0);

        // Then every pixel is the luma of red (0.299 * 255)
        for (float v : out) {
            assertThat(v).isCloseTo(0.299f, within(0.02f));
        }
    }

    @Test
    void shouldSpreadAGreyImageOverThreeChannelsForAnRgbModel() throws Exception {
        byte[] png = TestImages.greyPng(10, 10, 51);
        ImagePreprocessor.Shape rgb = new ImagePreprocessor.Shape(3, 20, 20, Normalization.UNIT);
        float[] out = new float[3 * 400];

        preprocessor.toInput(png, null, rgb, out, 0);

        for (float v : out) {
            assertThat(v).isCloseTo(0.2f, within(1e-5f));
        }
    }

    @Test
    void shouldReadRawPixelsOfTheModelsSize() throws Exception {
        byte[] raw = new byte[784];
        raw[0] = (byte) 255;
        raw[783] = (byte) 128;
        float[] out = new float[784];

        preprocessor.toInput(raw, null, GREY_28, out, 0);

        assertThat(out[0]).isEqualTo(1f);
        assertThat(out[783]).isCloseTo(128 / 255f, within(1e-6f));
    }

    @Test
    void shouldWriteAtTheGivenOffsetWithTheGivenNormalisation() throws Exception {
        byte[] png = TestImages.greyPng(28, 28, 255);
        float[] out = new float[2 * 784];
        ImagePreprocessor.Shape symmetric = new ImagePreprocessor.Shape(1, 28, 28, Normalization.parse("symmetric"));

        preprocessor.toInput(png, "image/png", symmetric, out, 784);

        assertThat(out[0]).isZero();
        assertThat(out[784]).isCloseTo(1f, within(1e-6f));
        assertThat(out[2 * 784 - 1]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void shouldRefuseBytesThatAreNoImage() {
        byte[] text = "hello, this is not an image".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> preprocessor.toInput(text, null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNRECOGNISED_FORMAT))
                .hasMessageContaining("784 bytes");
    }

    @Test
    void shouldRefuseADeclaredContentTypeThatIsNoImage() {
        byte[] png = TestImages.greyPng(28, 28, 0);
        assertThatThrownBy(() -> preprocessor.toInput(png, "text/plain", GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNSUPPORTED_CONTENT_TYPE));
    }

    @Test
    void shouldRefuseATruncatedPng() {
        byte[] png = TestImages.greyPng(28, 28, 7);
        byte[] truncated = java.util.Arrays.copyOf(png, 40);
        assertThatThrownBy(() -> preprocessor.toInput(truncated, "image/png", GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }

    @Test
    void shouldRefuseADecompressionBombBeforeDecodingIt() throws Exception {
        // Given a 1 KB PNG whose header claims 100000 x 100000 pixels (10 gigapixels)
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        assertThat(bomb.length).isLessThan(1024);

        // When it is converted, then it is refused from the header alone
        assertThatThrownBy(() -> preprocessor.toInput(bomb, "image/png", GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("100000x100000");
    }

    /** A PNG signature, an IHDR chunk of the given size and a small IDAT of zeros. */
    private static byte[] pngHeaderOnly(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(deflated, new Deflater(9))) {
            z.write(new byte[4096]);
        }
        chunk(out, "IDAT", deflated.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
