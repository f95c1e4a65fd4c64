package io.latentwatch.data;

import io.latentwatch.model.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxDatasetTest {
    private static final Path SAMPLE = Path.of("data/fashion-mnist-sample");

    @Test
    void shouldReadTheBundledFashionMnistSample() throws IOException {
        // When both splits of the bundled sample are read
        IdxDataset train = IdxDataset.load(SAMPLE, Split.TRAIN);
        IdxDataset test = IdxDataset.load(SAMPLE, Split.TEST);

        // Then they hold 28x28 images with 300 and 100 of each class
        assertThat(train.count()).isEqualTo(3000);
        assertThat(test.count()).isEqualTo(1000);
        assertThat(train.rows()).isEqualTo(28);
        assertThat(train.cols()).isEqualTo(28);
        assertThat(train.withLabels(LabelSet.of(6)).count()).isEqualTo(300);
        assertThat(test.withoutLabels(LabelSet.parse("5,7,9")).count()).isEqualTo(700);
    }

    @Test
    void shouldReadPlainAndGzippedFilesAlike(@TempDir Path plain, @TempDir Path gzipped) throws IOException {
        // Given the same three 2x2 images written plain and gzipped
        byte[] pixels = {0, 1, 2, 3, 10, 11, 12, (byte) 255, 20, 21, 22, 23};
        byte[] labels = {4, 7, 4};
        write(plain, "train-images-idx3-ubyte", images(pixels, 3, 2, 2), false);
        write(plain, "train-labels-idx1-ubyte", labels(labels), false);
        write(gzipped, "train-images-idx3-ubyte.gz", images(pixels, 3, 2, 2), true);
        write(gzipped, "train-labels-idx1-ubyte.gz", labels(labels), true);

        // When both are loaded
        IdxDataset a = IdxDataset.load(plain, Split.TRAIN);
        IdxDataset b = IdxDataset.load(gzipped, Split.TRAIN);

        // Then they are equal, and filtering and normalising work on them
        assertThat(a.pixels()).isEqualTo(b.pixels()).isEqualTo(pixels);
        assertThat(a.labels()).containsExactly(4, 7, 4).isEqualTo(b.labels());
        assertThat(a.withLabels(LabelSet.of(7)).image(0)).containsExactly(10, 11, 12, (byte) 255);
        Images unit = a.withLabels(LabelSet.of(7)).toImages(Normalization.UNIT);
        assertThat(unit.pixels()[3]).isEqualTo(1f);
        assertThat(unit.channels()).isEqualTo(1);
    }

    @Test
    void shouldNameTheMissingFileWhenADirectoryHoldsNoIdxSet(@TempDir Path empty) {
        assertThatThrownBy(() -> IdxDataset.load(empty, Split.TEST))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte");
    }

    @Test
    void shouldRefuseAFileThatIsNotIdx(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(new byte[] {1}));
        assertThatThrownBy(() -> IdxDataset.load(dir, Split.TRAIN))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an IDX image file");
    }

    @Test
    void shouldParseClassListsAndRejectBadOnes() {
        assertThat(LabelSet.parse(" 9, 5,7 ").toString()).isEqualTo("5,7,9");
        assertThatThrownBy(() -> LabelSet.parse("5,x")).hasMessageContaining("'x' is not a class label");
        assertThatThrownBy(() -> LabelSet.parse(",")).hasMessageContaining("no class labels");
    }

    private static byte[] images(byte[] pixels, int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x803);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(pixels);
        return bytes.toByteArray();
    }

    private static byte[] labels(byte[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x801);
        out.writeInt(labels.length);
        out.write(labels);
        return bytes.toByteArray();
    }

    private static void write(Path dir, String name, byte[] content, boolean gzip) throws IOException {
        try (OutputStream file = Files.newOutputStream(dir.resolve(name));
             OutputStream out = gzip ? new GZIPOutputStream(file) : file) {
            out.write(Arrays.copyOf(content, content.length));
        }
    }
}
