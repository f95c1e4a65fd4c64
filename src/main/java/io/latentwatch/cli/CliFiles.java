package io.latentwatch.cli;

import io.latentwatch.data.IdxDataset;
import io.latentwatch.data.Split;
import io.latentwatch.heatmap.PngFiles;
import picocli.CommandLine;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** File inputs and outputs of the picture commands, with errors that name the flag. */
final class CliFiles {
    private CliFiles() {
    }

    /** The bytes of a file given by {@code flag}; a missing file is a usage error. */
    static byte[] read(CommandLine cl, String flag, Path file) {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new CommandLine.ParameterException(cl, flag + " " + file + ": no such readable file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + flag + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** One split of an IDX set given by {@code --idx}. */
    static IdxDataset idx(CommandLine cl, Path dir, String split) {
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(cl, "--idx " + dir + ": no such directory");
        }
        Split which;
        try {
            which = Split.valueOf(split.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--split must be test or train, got '" + split + "'");
        }
        try {
            return IdxDataset.load(dir, which);
        } catch (IOException e) {
            throw new IllegalArgumentException("--idx " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a picture as PNG (atomically); a failure ends the command with exit 1. */
    static long writePng(BufferedImage picture, Path file) {
        try {
            return PngFiles.write(picture, file);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Writes bytes to a file, creating its directory; a failure ends the command with exit 1. */
    static void write(Path file, byte[] bytes) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Files.write(absolute, bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
