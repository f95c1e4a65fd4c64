package io.latentwatch.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * A snapshot of what the detector's stream threads have spent so far (CPU time, bytes allocated)
 * and of the garbage collectors' work, to tell per-image costs apart from the broker, producer and
 * consumer that share the process and the machine. For detectors in processes of their own, the
 * CPU time of those processes (all threads) too; what cannot be known of them is NaN or -1. The
 * JIT compilers' time says whether a figure is of compiled code: inside bench it is the whole JVM's
 * (broker, load and detector: HotSpot's compilation time), for detector processes their compiler
 * threads' CPU time.
 */
record Jvm(double streamCpuSeconds, double processCpuSeconds, long streamAllocatedBytes, double gcSeconds,
           long gcCount, double jitCompileSeconds) {
    private static final String STREAM_THREAD = "-StreamThread-";

    static Jvm now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long nanos = 0;
        long bytes = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(STREAM_THREAD)) {
                nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                if (threads instanceof com.sun.management.ThreadMXBean hotspot) {
                    bytes += Math.max(0, hotspot.getThreadAllocatedBytes(info.getThreadId()));
                }
            }
        }
        long gcMillis = 0;
        long gcCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        double jitSeconds = jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime() / 1e3 : Double.NaN;
        return new Jvm(nanos / 1e9, Double.NaN, bytes, gcMillis / 1e3, gcCount, jitSeconds);
    }

    /** The figures of detector processes, which only the operating system's accounts give. */
    static Jvm of(DetectorProcesses.Cpu cpu) {
        return new Jvm(cpu.streamThreadSeconds(), cpu.processSeconds(), -1, Double.NaN, -1, cpu.compilerSeconds());
    }
}
