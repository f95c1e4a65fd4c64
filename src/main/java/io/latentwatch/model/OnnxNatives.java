package io.latentwatch.model;

import ai.onnxruntime.OrtEnvironment;
import io.latentwatch.util.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Unpacks ONNX Runtime's native libraries once into a cache directory and points ONNX Runtime at
 * it. Left to itself, ONNX Runtime unpacks them into a new {@code onnxruntime-java*} temporary
 * directory at every start and leaves it behind.
 *
 * <p>The cache is {@code $LATENTWATCH_CACHE_DIR}, else {@code ~/.cache/latentwatch}. An explicit
 * {@code -Donnxruntime.native.path} wins.
 */
public final class OnnxNatives {
    private static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final String[] LIBRARIES = {"libonnxruntime.so", "libonnxruntime4j_jni.so"};
    private static volatile boolean prepared;

    private OnnxNatives() {
    }

    /** Makes sure the natives are unpacked and ONNX Runtime will load them from the cache. */
    public static synchronized void prepare() {
        if (prepared || System.getProperty(PATH_PROPERTY) != null) {
            prepared = true;
            return;
        }
        String platform = platform();
        if (platform == null) {
            prepared = true; // let ONNX Runtime find its own way on other platforms
            return;
        }
        try {
            Path dir = cacheRoot().resolve("onnxruntime-" + jarName()).resolve(platform);
            if (!Files.isRegularFile(dir.resolve(LIBRARIES[1]))) {
                unpack(platform, dir);
            }
            System.setProperty(PATH_PROPERTY, dir.toString());
        } catch (IOException | UncheckedIOException e) {
            // Not fatal: ONNX Runtime falls back to its own temporary directory.
            org.slf4j.LoggerFactory.getLogger(OnnxNatives.class)
                    .warn("could not cache ONNX Runtime natives ({}); using a temporary directory", e.toString());
        }
        prepared = true;
    }

    /** Root of latentwatch's on-disk caches. */
    public static Path cacheRoot() {
        String env = System.getenv("LATENTWATCH_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "latentwatch");
    }

    private static void unpack(String platform, Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(dir.getParent(), "unpack");
        try {
            for (String lib : LIBRARIES) {
                String resource = "/ai/onnxruntime/native/" + platform + "/" + lib;
                try (InputStream in = OrtEnvironment.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("missing " + resource + " in the ONNX Runtime jar");
                    }
                    Files.copy(in, staging.resolve(lib), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException
                     | java.nio.file.DirectoryNotEmptyException e) {
                // another process won the race: its copy is as good as ours
            }
        } finally {
            FileTrees.deleteRecursively(staging);
        }
    }

    private static String jarName() {
        try {
            Path jar = Path.of(OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getFileName().toString().replaceAll("\\.jar$", "");
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> null;
        };
    }
}
