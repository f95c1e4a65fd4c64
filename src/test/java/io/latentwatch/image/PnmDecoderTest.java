package io.latentwatch.image;

import io.latentwatch.model.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PnmDecoderTest {
    /** The images' own size: 4 x 2, so the model input is the pixels themselves. */
    private static final ImagePreprocessor.Shape GREY = new ImagePreprocessor.Shape(1, 2, 4, Normalization.UNIT);
    private static final ImagePreprocessor.Shape RGB = new ImagePreprocessor.Shape(3, 2, 4, Normalization.UNIT);
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);

    @ParameterizedTest
    @ValueSource(strings = {"P1", "P2", "P4", "P5", "P5-16", "P2-1000"})
    void shouldReadEveryGreyAndBitmapKindWhiteOnTheLeftBlackOnTheRight(String kind) throws Exception {
        // Given a 4 x 2 image, white in its two left columns, written as the kind says (with a
        // comment in the header)
        byte[] pnm = twoColumnsWhite(kind);
        float[] out = new float[8];

        // When it is converted, then the pixels are white (1) on the left and black (0) on the right
        preprocessor.toInput(pnm, null, GREY, out, 0);

        assertThat(out).containsExactly(new float[] {1, 1, 0, 0, 1, 1, 0, 0}, within(1e-6f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"P3", "P6"})
    void shouldReadAColourPixmapRedOnTheLeftBlueOnTheRight(String kind) throws Exception {
        // Given a 4 x 2 PPM, red in its two left columns and blue in the others
        StringBuilder ascii = new StringBuilder(kind + "\n4 2\n255\n");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        binary.writeBytes(ascii.toString().getBytes(StandardCharsets.US_ASCII));
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                int[] rgb = x < 2 ? new int[] {255, 0, 0} : new int[] {0, 0, 255};
                for (int v : rgb) {
                    ascii.append(v).append(' ');
                    binary.write(v);
                }
            }
            ascii.append('\n');
        }
        byte[] ppm = kind.equals("P3") ? ascii.toString().getBytes(StandardCharsets.US_ASCII) : binary.toByteArray();
        float[] out = new float[24];

        // When it is converted for an RGB model, then the red plane is 1 on the left, the blue plane on the right
        preprocessor.toInput(ppm, "image/x-portable-pixmap", RGB, out, 0);

        assertThat(out).containsExactly(new float[] {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 1, 1, 0, 0, 1, 1}, within(1e-6f));
    }

    @Test
    void shouldShrinkALargeBitmapAsItReadsIt() throws Exception {
        // Given a 10000 x 10000 PBM (12.5 MB), black in its top half
        String header = "P4\n10000 10000\n";
        byte[] pbm = new byte[header.length() + 1250 * 10000];
        System.arraycopy(header.getBytes(StandardCharsets.US_ASCII), 0, pbm, 0, header.length());
        java.util.Arrays.fill(pbm, header.length(), header.length() + 1250 * 5000, (byte) 0xFF);
        float[] out = new float[784];

        // When it is converted to 28 x 28, then the top rows are black and the bottom rows white
        preprocessor.toInput(pbm, null, new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT), out, 0);

        assertThat(out[0]).isZero();
        assertThat(out[783]).isEqualTo(1f);
    }

    @Test
    void shouldRefuseBrokenNetpbmImagesWithAReason() {
        // Given PNM files that are truncated, out of range or not numbers where numbers belong
        String[][] cases = {
            {"P5\n4 2\n255\n\u0001\u0002", "truncated"},
            {"P2\n4 2\n255\n0 0 0 0 0 0 0", "truncated"},
            {"P2\n4 2\n9\n0 0 10 0 0 0 0 0", "over its maximum value"},
            {"P1\n4 2\n0 1 2 0 0 0 0 0", "not 0 or 1"},
            {"P5\nfour 2\n255\n", "width is not a number"},
            {"P5\n4 2\n70000\n", "maximum value is 70000"},
            {"P5\n0 2\n255\n", "width is 0"},
            {"P5\n4 2\n255", "no pixel data"},
        };
        for (String[] c : cases) {
            byte[] pnm = c[0].getBytes(StandardCharsets.ISO_8859_1);

            // When it is converted, then it is refused as undecodable, saying why
            assertThatThrownBy(() -> preprocessor.toInput(pnm, null, GREY, new float[8], 0)).as(c[0])
                    .isInstanceOfSatisfying(RejectedInputException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.UNDECODABLE_IMAGE))
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void shouldRefuseANetpbmImageOverTheSizeLimitsFromItsHeader() {
        // Given headers of a PGM 70000 pixels wide, and of one within the sides but over a small pixel limit
        ImagePreprocessor small = new ImagePreprocessor(new InputLimits(InputLimits.DEFAULT_MAX_BYTES, 1_000));
        byte[] wide = "P5\n70000 1\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] large = "P5\n100 100\n255\n".getBytes(StandardCharsets.US_ASCII);

        // When they are converted, then both are refused as too large before any pixel is read
        assertThatThrownBy(() -> preprocessor.toInput(wide, null, GREY, new float[8], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> small.toInput(large, null, GREY, new float[8], 0))
                .isInstanceOfSatisfying(RejectedInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.IMAGE_TOO_LARGE))
                .hasMessageContaining("100x100");
    }

    /** A 4 x 2 image, white in columns 0 and 1, as the kind (P1, P2, P4, P5; "-16" and "-1000": maximum values). */
    private static byte[] twoColumnsWhite(String kind) {
        String magic = kind.substring(0, 2);
        int max = kind.endsWith("-16") ? 65_535 : kind.endsWith("-1000") ? 1_000 : 255;
        boolean bitmap = magic.equals("P1") || magic.equals("P4");
        StringBuilder header = new StringBuilder(magic + "\n# written by a test\n4 2\n");
        if (!bitmap) {
            header.append(max).append('\n');
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (int y = 0; y < 2; y++) {
            if (magic.equals("P4")) {
                out.write(0b0011_0000); // a row of 4 bits, padded to a byte: 1 is black
                continue;
            }
            for (int x = 0; x < 4; x++) {
                boolean white = x < 2;
                switch (magic) {
                    case "P1" -> out.writeBytes((white ? "0" : "1").getBytes(StandardCharsets.US_ASCII));
                    case "P2" -> out.writeBytes(((white ? max : 0) + " ").getBytes(StandardCharsets.US_ASCII));
                    default -> {
                        int v = white ? max : 0;
                        if (max > 255) {
                            out.write(v >> 8);
                        }
                        out.write(v & 0xFF);
                    }
                }
            }
            if (magic.equals("P1") || magic.equals("P2")) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }
}
