package io.latentwatch.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class OutputRecordsTest {
    private static final List<String> STRINGS = List.of("img-1", "", "quote \" and \\ backslash", "tab\tnew\nline\r",
            "\u0000\u0001\u001f\u007f bell\u0007 form\f back\b", "caf\u00e9 \u4e2d\u6587 \ud83d\ude00 emoji",
            "/camera/7", "a/b?c=d&e#f", "\u2028\u2029 separators", "</script>");
    private static final List<Instant> INSTANTS = List.of(Instant.EPOCH, Instant.parse("2026-11-27T22:39:22.846Z"),
            Instant.parse("2026-11-27T22:39:22Z"), Instant.parse("2026-11-27T22:39:22.000100Z"),
            Instant.parse("2026-11-27T22:39:22.123456789Z"), Instant.parse("2024-02-29T23:59:59.999Z"),
            Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("-0001-06-15T12:00:00Z"), Instant.MIN, Instant.MAX);
    private static final float[] FLOATS = {0f, -0f, 1f, 0.0613f, 1e-10f, 3.4e38f, Float.MIN_VALUE, 1234567.9f,
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e7f, 0.001f, 1.0E-4f};
    private static final double[] DOUBLES = {0.0208, 0, 1e-300, 12345678.9, 0.041724905, Double.NaN, 1e7, 0.001};

    private final OutputRecords.Writer writer = new OutputRecords.Writer();

    @Test
    void shouldWriteAnomaliesByteForByteAsJacksonDoes() {
        // Given odd strings, instants across the years and special floats, nulls included
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String id = pick(random, STRINGS);
            String source = random.nextInt(5) == 0 ? null : pick(random, STRINGS);
            String type = random.nextInt(5) == 0 ? null : pick(random, STRINGS);
            Instant time = random.nextInt(5) == 0 ? null : randomInstant(random);
            float score = random.nextBoolean() ? FLOATS[random.nextInt(FLOATS.length)] : random.nextFloat();
            double threshold = random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble();
            Origin origin = new Origin(pick(random, STRINGS), random.nextInt(1000), random.nextLong() >>> random.nextInt(64));

            // When both writers write the record
            String version = pick(random, STRINGS);
            OutputRecords.Challenger challenger = randomChallenger(random);
            String map = random.nextBoolean() ? null : java.util.Base64.getEncoder().encodeToString(
                    pick(random, STRINGS).getBytes(StandardCharsets.UTF_8));
            byte[] fast = writer.anomaly(id, source, type, time, score, threshold, "fashion", version, origin,
                    challenger, map);
            byte[] jackson = OutputRecords.toJson(new OutputRecords.Anomaly(id, source, type, time, score, threshold,
                    "fashion", version, origin, challenger, map));

            // Then the bytes are the same
            assertThat(new String(fast, StandardCharsets.UTF_8)).isEqualTo(new String(jackson, StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldWriteEmbeddingsByteForByteAsJacksonDoes() {
        // Given records with and without vectors, times and odd ids
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            String id = pick(random, STRINGS);
            Instant time = random.nextInt(5) == 0 ? null : randomInstant(random);
            float score = random.nextBoolean() ? FLOATS[random.nextInt(FLOATS.length)] : random.nextFloat();
            double threshold = random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble();
            float[] vector = random.nextInt(4) == 0 ? null : randomVector(random);
            Origin origin = new Origin("images", random.nextInt(64), random.nextInt(1_000_000));
            String version = pick(random, STRINGS);

            // When both writers write the record
            boolean anomaly = random.nextBoolean();
            OutputRecords.Challenger challenger = randomChallenger(random);
            byte[] fast = writer.embedding(id, time, "fashion", version, score, threshold, anomaly, origin,
                    challenger, vector);
            byte[] jackson = OutputRecords.toJson(new OutputRecords.Embedding(id, time, "fashion", version, score,
                    threshold, anomaly, origin, challenger, vector));

            // Then the bytes are the same
            assertThat(new String(fast, StandardCharsets.UTF_8)).isEqualTo(new String(jackson, StandardCharsets.UTF_8));
        }
    }

    /** No challenger a third of the time, else one with an odd version and a special or random score. */
    private static OutputRecords.Challenger randomChallenger(Random random) {
        if (random.nextInt(3) == 0) {
            return null;
        }
        float score = random.nextBoolean() ? FLOATS[random.nextInt(FLOATS.length)] : random.nextFloat();
        double threshold = random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextDouble();
        return new OutputRecords.Challenger(pick(random, STRINGS), score, threshold, random.nextBoolean());
    }

    private static Instant randomInstant(Random random) {
        if (random.nextInt(3) == 0) {
            return INSTANTS.get(random.nextInt(INSTANTS.size()));
        }
        long second = random.nextLong(-62_167_219_200L - 1000, 253_402_300_800L + 1000);
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(second, nanos);
    }

    private static float[] randomVector(Random random) {
        float[] v = new float[random.nextInt(40)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(10) == 0 ? FLOATS[random.nextInt(FLOATS.length)]
                    : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6));
        }
        return v;
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
