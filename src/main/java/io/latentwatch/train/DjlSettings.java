package io.latentwatch.train;

/**
 * Engine settings applied before DJL loads PyTorch: offline (the natives ship in the jar; never
 * download), and one intra-op and one inter-op thread, which trains these small networks several
 * times faster than more threads on a small machine. A value already set (e.g. with
 * {@code -Dai.djl.pytorch.num_threads=4}) is kept.
 */
final class DjlSettings {
    private DjlSettings() {
    }

    static void apply() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
