package io.latentwatch.image;

import io.latentwatch.model.Normalization;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestWebp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ImagePreprocessorTest {
    private static final ImagePreprocessor.Shape GREY_28 = new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT);
    private static final ImagePreprocessor.Shape RGB_28 = new ImagePreprocessor.Shape(3, 28, 28, Normalization.UNIT);
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
    void shouldRefuseBytesThatAreNoImageDeclaredAsSomethingElse() {
        // Given text declared as text, and raw pixels of the model's size declared as JSON
        byte[] text = "hello".getBytes(StandardCharsets.UTF_8);

        // When they are converted, then both are refused for their content type
        for (Object[] input : new Object[][] {{text, "text/plain"}, {new byte[784], "application/json"}}) {
            assertThatThrownBy(() -> preprocessor.toInput((byte[]) input[0], (String) input[1], GREY_28,
                    new float[784], 0))
                    .isInstanceOfSatisfying(RejectedInputException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.UNSUPPORTED_CONTENT_TYPE))
                    .hasMessageContaining((String) input[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "binary/octet-stream", "", "image/jpeg", "application/json"})
    void shouldScoreAnImageFileWhateverContentTypeItIsDeclaredAs(String contentType) throws Exception {
        // Given a white PNG declared as something else (S3's default type, an empty header, the wrong format)
        byte[] png = TestImages.greyPng(28, 28, 255);
        float[] out = new float[784];

        // When it is converted, then it is read as the PNG it is
        preprocessor.toInput(png, contentType, GREY_28, out, 0);

        assertThat(out[0]).isEqualTo(1f);
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
    void shouldDecodeALosslessWebp() throws Exception {
        // Given a 28x28 lossless WebP, grey 200 on the left half and 40 on the right
        byte[] webp = TestWebp.twoGreyLevels(28, 28, 40, 200, (x, y) -> x < 14 ? 1 : 0);
        float[] out = new float[784];

        // When it is converted (declared as WebP, and as bare bytes)
        preprocessor.toInput(webp, "image/webp", GREY_28, out, 0);
        float[] bare = new float[784];
        preprocessor.toInput(webp, null, GREY_28, bare, 0);

        // Then it holds the exact pixels
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertThat(out[y * 28 + x]).isCloseTo((x < 14 ? 200 : 40) / 255f, within(1e-6f));
            }
        }
        assertThat(bare).containsExactly(out);
    }

    @Test
    void shouldShrinkALargeWebpToTheModelsSize() throws Exception {
        // Given a 2000x1000 lossless WebP, bright in its top half
        byte[] webp = TestWebp.twoGreyLevels(2000, 1000, 0, 255, (x, y) -> y < 500 ? 1 : 0);
        float[] out = new float[784];

        // When it is converted, then the top rows are white and the bottom rows black
        preprocessor.toInput(webp, "image/webp", GREY_28, out, 0);
        assertThat(out[0]).isCloseTo(1f, within(1e-3f));
        assertThat(out[783]).isCloseTo(0f, within(1e-3f));
    }

    @Test
    void shouldRefuseAWebpOverTheLimitsFromItsHeader() throws Exception {
        // Given the first 64 bytes of a 16384x16384 lossless WebP (268 megapixels, 1 GiB decoded
        // at 4 bytes a pixel), and detectors that allow fewer pixels, or less memory for an image
        // decoded whole
        byte[] webp = java.util.Arrays.copyOf(TestWebp.twoGreyLevels(16384, 16384, 0, 255, (x, y) -> 0), 64);
        long pixels = 16384L * 16384;
        for (InputLimits limits : java.util.List.of(new InputLimits(InputLimits.DEFAULT_MAX_BYTES, pixels - 1),
                new InputLimits(InputLimits.DEFAULT_MAX_BYTES, pixels, 4 * pixels - 1))) {
            ImagePreprocessor limited = new ImagePreprocessor(limits);

            // When it is converted, then it is refused from the header alone, naming the size
            assertThatThrownBy(() -> limited.toInput(webp, "image/webp", GREY_28, new float[784], 0))
                    .isInstanceOfSatisfying(RejectedInputException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                    .hasMessageContaining("16384x16384");
        }
    }

    @Test
    void shouldScoreAPngOfAHundredMegapixels() throws Exception {
        // Given a 10000 x 10000 grey PNG (as large as a camera's), white in its top half
        byte[] png = largeGreyPng(10_000, 10_000, y -> y < 5_000 ? 255 : 0);
        float[] out = new float[784];

        // When it is converted with the default limits, then it is scored: white above, black below
        preprocessor.toInput(png, "image/png", GREY_28, out, 0);

        assertThat(out[0]).isCloseTo(1f, within(1e-3f));
        assertThat(out[783]).isCloseTo(0f, within(1e-3f));
    }

    @Test
    void shouldScoreABaselineJpegOfFortyEightMegapixels() throws Exception {
        // Given an 8000 x 6000 grey baseline JPEG (a 48-megapixel phone photo's size), bright on the left
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(8_000, 6_000,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 4_000, 6_000);
        g.dispose();
        byte[] jpeg = TestImages.encode(image, "jpeg");
        float[] out = new float[784];

        // When it is converted with the default limits, then it is scored
        preprocessor.toInput(jpeg, "image/jpeg", GREY_28, out, 0);

        assertThat(out[0]).isCloseTo(1f, within(0.02f));
        assertThat(out[27]).isCloseTo(0f, within(0.02f));
    }

    @Test
    void shouldMeasureTheCoefficientBufferOfAProgressiveJpegFromItsHeader() throws Exception {
        // Given a 1000 x 1000 colour JPEG, written progressive and baseline (4:2:0: chroma at half
        // resolution each way)
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(1_000, 1_000,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        byte[] progressive = jpeg(image, true);
        byte[] baseline = jpeg(image, false);

        // When the memory its decoder needs for the whole image is read from the header, then a
        // progressive one needs 128 bytes per block: 125 x 125 luma blocks and 63 x 63 blocks of
        // each chroma component; a baseline one (one interleaved scan) none
        assertThat(DecoderGuards.jpegFrame(progressive).wholeImageBytes(1_000, 1_000))
                .isEqualTo(128L * (125 * 125 + 2 * 63 * 63));
        assertThat(DecoderGuards.jpegFrame(baseline).wholeImageBytes(1_000, 1_000)).isZero();
    }

    @Test
    void shouldRefuseAnImageDecodedWholeOverTheMemoryLimitAndNoOther() throws Exception {
        // Given a detector with 4 MiB of heap for an image decoded whole (so 2 MiB of native memory
        // for a JPEG's coefficients), and 1000 x 1000 images
        ImagePreprocessor small = new ImagePreprocessor(new InputLimits(InputLimits.DEFAULT_MAX_BYTES,
                InputLimits.DEFAULT_MAX_PIXELS, 4L << 20));
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(1_000, 1_000,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);

        // When a progressive JPEG (3 MB of coefficients) and an 1100 x 1000 WebP (4.4 MB) are
        // converted, then both are refused, saying what to do
        assertThatThrownBy(() -> small.toInput(jpeg(image, true), null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("1000x1000").hasMessageContaining("over the limit of 2 MiB")
                .hasMessageContaining("-Xmx");
        byte[] wideWebp = TestWebp.twoGreyLevels(1_100, 1_000, 0, 255, (x, y) -> x & 1);
        assertThatThrownBy(() -> small.toInput(wideWebp, null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("1100x1000").hasMessageContaining("over the limit of 4 MiB");

        // And a baseline JPEG of the same size, and a 1000 x 1000 WebP (4.0 MB), are scored
        small.toInput(jpeg(image, false), null, GREY_28, new float[784], 0);
        small.toInput(TestWebp.twoGreyLevels(1_000, 1_000, 0, 255, (x, y) -> x & 1), null, GREY_28,
                new float[784], 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg-cmyk-red-blue-28x28.jpg", "tiff-cielab-red-blue-28x28.tif"})
    void shouldConvertCmykJpegsAndCielabTiffsToTheirColours(String seed) throws Exception {
        // Given a 28x28 image, red on the left and blue on the right, stored as CMYK JPEG (Adobe's
        // inverted components, as ImageMagick writes them) or as CIELab TIFF, which the JDK's
        // decoders read with the wrong colours (far too bright; nearly black)
        byte[] image = fuzzSeed(seed);
        float[] out = new float[3 * 784];

        // When it is converted for an RGB model
        preprocessor.toInput(image, null, RGB_28, out, 0);

        // Then the left is red and the right blue
        int left = 14 * 28 + 3;
        int right = 14 * 28 + 24;
        assertThat(new float[] {out[left], out[784 + left], out[1568 + left]})
                .containsExactly(new float[] {1f, 0f, 0f}, within(0.05f));
        assertThat(new float[] {out[right], out[784 + right], out[1568 + right]})
                .containsExactly(new float[] {0f, 0f, 1f}, within(0.05f));
    }

    @Test
    void shouldGiveBackTheMemoryOfAnImageDecodedWholeWhetherItDecodesOrNot() throws Exception {
        // Given a 2000 x 2100 WebP (16 MB decoded, so counted against the process's budget for
        // images decoded whole), whole and cut short
        byte[] webp = TestWebp.twoGreyLevels(2_000, 2_100, 0, 255, (x, y) -> x & 1);
        byte[] cut = java.util.Arrays.copyOf(webp, webp.length / 2);
        int free = ImagePreprocessor.freeWholeImagePermits();

        // When each is converted, then the one decodes and the other is refused, and after either
        // every permit is back
        preprocessor.toInput(webp, null, GREY_28, new float[784], 0);
        assertThat(ImagePreprocessor.freeWholeImagePermits()).isEqualTo(free);
        assertThatThrownBy(() -> preprocessor.toInput(cut, null, GREY_28, new float[784], 0))
                .isInstanceOf(RejectedInputException.class);
        assertThat(ImagePreprocessor.freeWholeImagePermits()).isEqualTo(free)
                .isEqualTo(ImagePreprocessor.WHOLE_IMAGE_PERMITS);
    }

    @Test
    void shouldRefuseATruncatedWebpWithAReason() {
        byte[] webp = TestWebp.twoGreyLevels(64, 64, 0, 255, (x, y) -> (x + y) & 1);
        byte[] truncated = java.util.Arrays.copyOf(webp, webp.length / 2);

        assertThatThrownBy(() -> preprocessor.toInput(truncated, "image/webp", GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE))
                .hasMessageContaining("truncated");
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

    @Test
    void shouldMapGreyTiffsOfSignedIntegerAndFloatingPointSamplesOntoThePixelRange() throws Exception {
        ImagePreprocessor.Shape eightWide = new ImagePreprocessor.Shape(1, 8, 8, Normalization.UNIT);
        for (int type : new int[] {java.awt.image.DataBuffer.TYPE_SHORT, java.awt.image.DataBuffer.TYPE_INT,
                java.awt.image.DataBuffer.TYPE_FLOAT}) {
            // Given an 8x8 grey TIFF whose samples run left to right from the type's minimum to its
            // maximum (floats from -0.25 to 1.25)
            byte[] tiff = TestImages.encode(InputPathSeeds.greyOfType(8, 8, type), "tiff");
            float[] out = new float[64];

            // When it is converted at its own size
            preprocessor.toInput(tiff, "image/tiff", eightWide, out, 0);

            // Then it runs from black to white within [0, 1], never darker to the right
            assertThat(out[0]).as("left edge of type %d", type).isZero();
            assertThat(out[7]).as("right edge of type %d", type).isCloseTo(1f, within(1e-3f));
            for (int x = 1; x < 8; x++) {
                assertThat(out[x]).as("pixel %d of type %d", x, type).isBetween(out[x - 1], 1f);
            }
        }
    }

    @Test
    void shouldKeepModelInputInRangeWhenADecoderHandsOutSamplesWiderThanTheirDepth() throws Exception {
        // Given the fuzzer's finding: a 28x64995 Deflate TIFF declaring 12-bit grey, whose decoded
        // samples reach 65471 (16 bits)
        byte[] tiff = fuzzSeed("shouldDecodeEveryImageOrRejectItWithAReason/finding-tiff-12-bit-grey-out-of-range.tif");
        float[] out = new float[784];

        // When it is converted, then every model input is within the pixel range
        preprocessor.toInput(tiff, null, GREY_28, out, 0);

        for (float v : out) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void shouldRefuseAnImageWithASideOverTheLimitEvenWhenItsAreaIsWithinIt() throws Exception {
        // Given a 16-bit RGBA PNG of 20,000,000 x 2 pixels: 40 megapixels, within --max-image-pixels,
        // but each row takes 160 MB in the decoder before a pixel is read
        byte[] png = pngHeaderOnly(20_000_000, 2, 16, 6);

        // When it is converted, then it is refused from the header, naming the side limit
        assertThatThrownBy(() -> preprocessor.toInput(png, "image/png", GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("20000000x2").hasMessageContaining(Integer.toString(InputLimits.MAX_SIDE));
    }

    @Test
    void shouldScoreALongThinImageAtTheSideLimit() throws Exception {
        // Given a white 65536 x 3 PNG, as long as the side limit allows
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(InputLimits.MAX_SIDE, 3,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, InputLimits.MAX_SIDE, 3);
        g.dispose();
        float[] out = new float[784];

        // When it is converted, then it is scored: white everywhere
        preprocessor.toInput(TestImages.encode(image, "png"), "image/png", GREY_28, out, 0);

        for (float v : out) {
            assertThat(v).isCloseTo(1f, within(1e-6f));
        }
    }

    @Test
    void shouldRefuseATiffWithSamplesOfAnUnsupportedWidthBeforeDecoding() throws Exception {
        // Given the fuzzer's finding: a tiled RGB TIFF whose first sample claims 26 bits, for which
        // the JDK decoder would build a 2^26-entry lookup table (out of memory at -Xmx256m)
        byte[] tiff = fuzzSeed("shouldScoreOrExplainEveryRecord/finding-tiff-26-bit-samples-oom.tif");

        // When it is converted, then it is refused with a reason that says why
        assertThatThrownBy(() -> preprocessor.toInput(tiff, "image/tiff", GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE))
                .hasMessageContaining("26 bits");
    }

    @Test
    void shouldRefuseABmpThatClaimsMorePixelDataThanItHas() throws Exception {
        // Given the fuzzer's finding: a 381-byte BMP with embedded data whose header claims 944 MB
        byte[] bmp = fuzzSeed("shouldDecodeEveryImageOrRejectItWithAReason/finding-bmp-embedded-size-oom.bmp");

        // When it is converted, then it is refused from the header instead of running out of memory
        assertThatThrownBy(() -> preprocessor.toInput(bmp, null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE))
                .hasMessageContaining("944130375 bytes");
    }

    @Test
    void shouldRefuseASingleStripTiffWhoseStripIsOverTheBlockLimit() throws Exception {
        // Given a 16-bit grey TIFF header of 8000 x 5000 (40 megapixels) stored in one strip, which
        // the decoder would decode whole: 80 MB at once
        byte[] tiff = tiffHeaderOnly(8000, 5000, 16, 5000);

        // When it is converted, then it is refused before the strip is decoded
        assertThatThrownBy(() -> preprocessor.toInput(tiff, null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("strips of 8000x5000");
    }

    @Test
    void shouldScoreATiffWithManyStrips() throws Exception {
        // Given the same image size in strips of 16 rows (what TIFF writers do by default)
        byte[] tiff = tiffHeaderOnly(8000, 5000, 16, 16);

        // When it is converted, then the layout is accepted and only the missing data is refused
        assertThatThrownBy(() -> preprocessor.toInput(tiff, null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }

    /**
     * A little-endian, Deflate-compressed grey TIFF that is a directory only: its one strip offset
     * and byte count point at 8 bytes of the directory itself.
     */
    private static byte[] tiffHeaderOnly(int width, int height, int bits, int rowsPerStrip) {
        int[][] entries = {{256, 4, width}, {257, 4, height}, {258, 3, bits}, {259, 3, 8}, {262, 3, 1},
                {273, 4, 8}, {277, 3, 1}, {278, 4, rowsPerStrip}, {279, 4, 8}};
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 12 * entries.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) entries.length);
        for (int[] e : entries) {
            // One strip offset and byte count stand for all strips: no pixel is decoded anyway.
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
            if (e[1] == 3) {
                b.putShort((short) e[2]).putShort((short) 0);
            } else {
                b.putInt(e[2]);
            }
        }
        b.putInt(0);
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiff-grey16-lzw-predictor-8x6.tif", "tiff-grey-float-predictor-8x6.tif"})
    void shouldDecodeTiffsWithAPredictorThatTheJdkCannotRead(String seed) throws Exception {
        // Given an 8x6 grey gradient written by ImageMagick as 16-bit LZW with the horizontal
        // predictor, or as 32-bit float with the floating-point predictor (the JDK refuses both)
        byte[] tiff = fuzzSeed(seed);
        float[] out = new float[48];

        // When it is converted at its own size, pixel values kept on the 0-255 scale
        preprocessor.toInput(tiff, "image/tiff", new ImagePreprocessor.Shape(1, 6, 8, Normalization.parse("raw")),
                out, 0);

        // Then row y holds 51 * y in every column
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                assertThat(out[y * 8 + x]).as("pixel %d,%d", x, y).isCloseTo(51f * y, within(0.01f));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BM", "GIF8", "II*\0", "\u00ff\u00d8\u00ff", "\u0089PNG", "P5\n", "P1 "})
    void shouldReadRawPixelsThatBeginLikeAnImageFileAsPixels(String start) throws Exception {
        // Given raw 28x28 grey pixels whose first bytes are those of an image format's signature
        byte[] raw = new byte[784];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7);
        }
        for (int i = 0; i < start.length(); i++) {
            raw[i] = (byte) start.charAt(i);
        }
        float[] out = new float[784];

        // When they are converted (a decoder of that format refuses them)
        preprocessor.toInput(raw, null, GREY_28, out, 0);

        // Then they are read as the pixels they are
        for (int i = 0; i < raw.length; i++) {
            assertThat(out[i]).isEqualTo(Normalization.UNIT.apply(raw[i] & 0xFF));
        }
    }

    @Test
    void shouldStillRefuseABrokenImageThatIsNotOfTheModelsRawSize() {
        // Given 785 bytes that begin like a BMP
        byte[] data = new byte[785];
        data[0] = 'B';
        data[1] = 'M';

        // When converted, then the BMP decoder's refusal stands
        assertThatThrownBy(() -> preprocessor.toInput(data, null, GREY_28, new float[784], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE));
    }

    /** A file of InputPathFuzzTest's corpus: the fuzzer's findings are unit tests too. */
    private static byte[] fuzzSeed(String path) throws Exception {
        try (java.io.InputStream in = ImagePreprocessorTest.class.getResourceAsStream("InputPathFuzzTestInputs/" + path)) {
            assertThat(in).as("seed %s", path).isNotNull();
            return in.readAllBytes();
        }
    }

    /** A PNG signature, an IHDR chunk of the given size and a small IDAT of zeros. */
    /** A grey PNG written row by row, without holding the image: each row's value from {@code value}. */
    private static byte[] largeGreyPng(int width, int height, java.util.function.IntUnaryOperator value)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        PngFastPathTest.chunk(out, "IHDR", ihdr.array());
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        byte[] row = new byte[width + 1]; // filter type 0, then the samples
        try (DeflaterOutputStream z = new DeflaterOutputStream(deflated, new Deflater(1))) {
            for (int y = 0; y < height; y++) {
                java.util.Arrays.fill(row, 1, row.length, (byte) value.applyAsInt(y));
                z.write(row);
            }
        }
        PngFastPathTest.chunk(out, "IDAT", deflated.toByteArray());
        PngFastPathTest.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] jpeg(java.awt.image.BufferedImage image, boolean progressive) throws Exception {
        javax.imageio.ImageWriter writer = TestImages.jdkWriterFirst(
                javax.imageio.ImageIO.getImageWritersByFormatName("jpeg"), "jpeg");
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        if (progressive) {
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[] pngHeaderOnly(int width, int height) throws Exception {
        return pngHeaderOnly(width, height, 8, 0);
    }

    private static byte[] pngHeaderOnly(int width, int height, int bitDepth, int colourType) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        PngFastPathTest.chunk(out, "IHDR", ihdr.array());
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(deflated, new Deflater(9))) {
            z.write(new byte[4096]);
        }
        PngFastPathTest.chunk(out, "IDAT", deflated.toByteArray());
        PngFastPathTest.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }
}
