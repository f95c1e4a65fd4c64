package io.latentwatch.bench;

import ai.onnxruntime.OrtException;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.image.InputLimits;
import io.latentwatch.image.RejectedInputException;
import io.latentwatch.model.InferenceBatch;
import io.latentwatch.model.ModelInfo;
import io.latentwatch.model.OnnxAutoencoder;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Images per second of one thread outside Kafka: ONNX Runtime alone on preprocessed input, and
 * decoding plus preprocessing plus ONNX Runtime, both at batch size 1 as the detector scores.
 */
final class RawThroughput {
    private RawThroughput() {
    }

    /**
     * Result in images per second of wall time, and of the measuring thread's CPU time (ONNX
     * Runtime runs on the calling thread with one intra-op thread).
     */
    record Figures(double inferenceOnly, double decodeAndInference, double decodeAndInferencePerCpuSecond) {
    }

    /**
     * Images per second of one thread decoding and scoring in batches of {@code batchSize} images
     * per ONNX Runtime call, as the detector does with {@code --batch-size}.
     */
    static double measureBatched(OnnxAutoencoder model, List<byte[]> pngs, int images, int batchSize)
            throws OrtException, RejectedInputException {
        ModelInfo info = model.info();
        ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);
        ImagePreprocessor.Shape shape = new ImagePreprocessor.Shape(info.channels(), info.height(), info.width(),
                info.normalization());
        try (InferenceBatch batch = model.newBatch(batchSize)) {
            int warmup = Math.min(2000, images);
            long start = 0;
            for (int done = -warmup; done < images; done += batchSize) {
                if (done >= 0 && start == 0) {
                    start = System.nanoTime();
                }
                for (int i = 0; i < batchSize; i++) {
                    preprocessor.toInput(pngs.get(Math.floorMod(done + i, pngs.size())), "image/png", shape,
                            batch.pixels(), batch.offset(i));
                }
                model.score(batch, batchSize);
            }
            return images / ((System.nanoTime() - start) / 1e9);
        }
    }

    static Figures measure(OnnxAutoencoder model, List<byte[]> pngs, int images) throws OrtException,
            RejectedInputException {
        ModelInfo info = model.info();
        ImagePreprocessor preprocessor = new ImagePreprocessor(InputLimits.DEFAULT);
        ImagePreprocessor.Shape shape = new ImagePreprocessor.Shape(info.channels(), info.height(), info.width(),
                info.normalization());
        try (InferenceBatch batch = model.newBatch(1)) {
            return measure(model, pngs, images, preprocessor, shape, batch);
        }
    }

    private static Figures measure(OnnxAutoencoder model, List<byte[]> pngs, int images, ImagePreprocessor preprocessor,
                                   ImagePreprocessor.Shape shape, InferenceBatch batch) throws OrtException,
            RejectedInputException {
        // warm up the JIT and ONNX Runtime's allocator
        for (int i = 0; i < Math.min(2000, images); i++) {
            preprocessor.toInput(pngs.get(i % pngs.size()), "image/png", shape, batch.pixels(), 0);
            model.score(batch, 1);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < images; i++) {
            preprocessor.toInput(pngs.get(i % pngs.size()), "image/png", shape, batch.pixels(), 0);
            model.score(batch, 1);
        }
        double withDecode = images / ((System.nanoTime() - start) / 1e9);
        double withDecodePerCpu = images / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        start = System.nanoTime();
        for (int i = 0; i < images; i++) {
            model.score(batch, 1);
        }
        double inferenceOnly = images / ((System.nanoTime() - start) / 1e9);
        return new Figures(inferenceOnly, withDecode, withDecodePerCpu);
    }
}
