package io.latentwatch.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.latentwatch.model.Normalization;
import io.latentwatch.testing.FuzzRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests of the input path, from a Kafka record to model input: the envelope (CloudEvents
 * binary and structured mode, headers), the decoders (PNG, JPEG, GIF, BMP, TIFF, raw pixels) and
 * resize, alone and through the real detector topology.
 *
 * <p>The invariant: every input ends as exactly one scored output or exactly one dead letter whose
 * reason was foreseen (never {@code internal-error}), with no other exception, no
 * {@code OutOfMemoryError} under {@code -Xmx256m} and no hang. (No JUnit {@code @Timeout} here: it
 * would bound the whole fuzzing run, not one input; scripts/fuzz.sh passes libFuzzer's per-input
 * {@code -timeout}, and the surefire execution has a fork timeout.)
 *
 * <p>Under {@code mvn test} each target runs on its seeds only (the files in
 * {@code src/test/resources/io/latentwatch/image/InputPathFuzzTestInputs}, shared by all targets,
 * and those in the sub-directory named after the target); with {@code JAZZER_FUZZ=1} one target is
 * fuzzed. See docs/fuzzing.md.
 */
class InputPathFuzzTest {
    /** Reasons that mean "unforeseen": a fuzz input must never end with one of them. */
    private static final Set<RejectReason> UNFORESEEN = EnumSet.of(RejectReason.INTERNAL_ERROR,
            RejectReason.INFERENCE_FAILED);
    private static final List<ImagePreprocessor.Shape> SHAPES = List.of(
            new ImagePreprocessor.Shape(1, 28, 28, Normalization.UNIT),
            new ImagePreprocessor.Shape(3, 32, 24, Normalization.UNIT),
            new ImagePreprocessor.Shape(1, 1, 1, Normalization.UNIT));
    private static ScoringRig rig;
    private final EventReader reader = new EventReader(InputLimits.DEFAULT);
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);

    @BeforeAll
    static void startTopology() throws Exception {
        rig = ScoringRig.start();
    }

    @AfterAll
    static void stopTopology() {
        rig.close();
    }

    /** The whole input path: a record with fuzzed headers and value through the real topology. */
    @FuzzTest(maxDuration = "5m")
    void shouldScoreOrExplainEveryRecord(byte[] input) {
        FuzzRecord record = FuzzRecord.parse(input);

        ScoringRig.Outcome outcome = rig.pipe(record);

        assertThat(outcome.embeddings().size() + outcome.deadLetters().size())
                .as("outputs of one input on the embedding and dead-letter topics").isEqualTo(1);
        if (outcome.deadLetters().isEmpty()) {
            rig.checkScored(outcome);
        } else {
            rig.checkDeadLetter(outcome, record, UNFORESEEN);
        }
        // and through the batch buffer (the detector's default) a grey-model record comes out the same
        if (rig.forGrey(record)) {
            ScoringRig.Outcome batched = rig.pipeBatched(record);
            assertThat(batched.embeddings().size() + batched.deadLetters().size())
                    .as("outputs of one input through the batch buffer").isEqualTo(1);
            assertThat(batched.deadLetters()).as("dead-lettered through the batch buffer")
                    .hasSameSizeAs(outcome.deadLetters());
            if (batched.deadLetters().isEmpty()) {
                rig.checkScored(batched);
                assertThat(rig.score(batched)).as("score through the batch buffer").isEqualTo(rig.score(outcome));
            } else {
                rig.checkDeadLetter(batched, record, UNFORESEEN);
            }
        }
    }

    /** The envelope alone: an event with data, or a rejection with a foreseen reason. */
    @FuzzTest(maxDuration = "5m")
    void shouldReadEveryEnvelopeOrRejectItWithAReason(byte[] input) {
        FuzzRecord record = FuzzRecord.parse(input);
        try {
            ImageEvent event = reader.read(record.headers(), record.key(), record.value(), record.timestamp(),
                    "images-0-0");

            assertThat(event.id()).isNotNull();
            assertThat(event.data()).isNotNull();
            assertThat(event.data().length).isLessThanOrEqualTo(InputLimits.DEFAULT.maxBytes());
        } catch (RejectedInputException e) {
            assertThat(e.reason()).isNotIn(UNFORESEEN);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /**
     * Decoding and resizing alone, to three shapes (grey 28x28, RGB 32x24, grey 1x1): model input
     * within the normalisation's range, or a rejection with a foreseen reason.
     */
    @FuzzTest(maxDuration = "5m")
    void shouldDecodeEveryImageOrRejectItWithAReason(byte[] input) {
        for (ImagePreprocessor.Shape shape : SHAPES) {
            float[] out = new float[shape.size() + 2];
            out[0] = -7f;
            out[out.length - 1] = -7f;
            try {
                preprocessor.toInput(input, null, shape, out, 1);

                for (int i = 1; i <= shape.size(); i++) {
                    assertThat(out[i]).as("model input %d of %s", i - 1, shape).isBetween(0f, 1f);
                }
                assertThat(out[0]).as("the value before the destination range").isEqualTo(-7f);
                assertThat(out[out.length - 1]).as("the value after the destination range").isEqualTo(-7f);
            } catch (RejectedInputException e) {
                assertThat(e.reason()).isNotIn(UNFORESEEN);
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }
}
