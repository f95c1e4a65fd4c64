package io.latentwatch.train;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DecoderExportTest {
    @Test
    void shouldNameTheDecoderAfterTheModelFile() {
        // Given model files with and without the .onnx extension
        // When their decoders are named
        // Then the decoder sits next to the model, its name ending in .decoder.onnx
        assertThat(DecoderExport.fileOf(Path.of("models", "vae.onnx"))).isEqualTo(Path.of("models", "vae.decoder.onnx"));
        assertThat(DecoderExport.fileOf(Path.of("vae"))).isEqualTo(Path.of("vae.decoder.onnx"));
    }
}
