package io.latentwatch.image;

import io.latentwatch.model.Normalization;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Converts image bytes to normalised model input, {@code [C, H, W]} floats: decodes PNG, JPEG,
 * GIF, BMP, TIFF, WebP and PNM (PBM, PGM, PPM: {@link PnmDecoder}) by their magic numbers (or
 * raw 8-bit pixels of exactly {@code H*W*C} bytes, row-major with interleaved channels), converts colour to grey (Rec. 601 luma) or grey to RGB,
 * and resizes (box filter down, bilinear up). Image dimensions are read from the header and
 * checked against {@link InputLimits} before any pixel is decoded. Bytes of exactly the raw size
 * that begin like an image file but do not decode as one are taken as raw pixels. The JDK's
 * decoders are used first; a TIFF they cannot read, and a CMYK JPEG or CIELab TIFF whose colours
 * they get wrong, go to a second decoder (see {@code readWithSecondDecoder}).
 *
 * <p>Not thread-safe: it keeps one decoder per format for reuse, so each thread needs its own.
 */
public final class ImagePreprocessor {
    static {
        // ImageIO would otherwise spill large streams to temporary files.
        ImageIO.setUseCache(false);
    }

    /** The heap budget for images decoded whole ({@link InputLimits#defaultMaxWholeImageBytes()}), in MiB. */
    static final int WHOLE_IMAGE_PERMITS = (int) Math.max(1, InputLimits.defaultMaxWholeImageBytes() >> 20);
    private static final long WHOLE_IMAGE_FLOOR_BYTES = 16L << 20;
    private static final Semaphore WHOLE_IMAGE_MEMORY = new Semaphore(WHOLE_IMAGE_PERMITS, true);

    private final InputLimits limits;
    private final Map<Format, ImageReader> readers = new EnumMap<>(Format.class);
    private final PngFastPath png;
    /**
     * The second decoders (TIFF, JPEG), each looked for when first needed; a null value where the
     * class path has none.
     */
    private final Map<Format, ImageReader> secondReaders = new EnumMap<>(Format.class);

    public ImagePreprocessor(InputLimits limits) {
        this(limits, true);
    }

    /** @param fastPng whether plain PNGs are decoded without ImageIO ({@link PngFastPath}); off only to test it */
    ImagePreprocessor(InputLimits limits, boolean fastPng) {
        this.limits = limits;
        this.png = fastPng ? new PngFastPath() : null;
    }

    /** Target shape and normalisation of a model input. */
    public record Shape(int channels, int height, int width, Normalization normalization) {
        int size() {
            return channels * height * width;
        }
    }

    /**
     * Writes one image into {@code dest} at {@code offset}.
     *
     * @param contentType the declared content type, or null
     */
    public void toInput(byte[] data, String contentType, Shape shape, float[] dest, int offset)
            throws RejectedInputException {
        Format format = Format.sniff(data);
        if (format == null) {
            // an image file is decoded whatever its declared type says (S3's binary/octet-stream, an
            // empty header, the wrong image type): only what is not one must be declared as an image
            checkContentType(contentType);
            if (data.length == shape.size()) {
                fromRaw(data, shape, dest, offset);
                return;
            }
            throw new RejectedInputException(RejectReason.UNRECOGNISED_FORMAT, "the " + data.length
                    + " bytes are neither a PNG, JPEG, GIF, BMP, TIFF, WebP or PNM (PBM, PGM, PPM) image nor raw"
                    + " pixels of the model's size ("
                    + shape.height() + "x" + shape.width() + "x" + shape.channels() + " = " + shape.size() + " bytes)");
        }
        try {
            if (format == Format.PNG && png != null && fastPng(data, shape, dest, offset)) {
                return;
            }
            if (format == Format.PNM) {
                fromPnm(data, shape, dest, offset);
                return;
            }
            fromImage(decode(data, format, shape), shape, dest, offset);
        } catch (RejectedInputException e) {
            // Raw pixels may begin like an image file: two pixels of 66 and 77 read "BM". Bytes of
            // exactly the model's raw size that do not decode as the format they resemble are pixels.
            if (data.length != shape.size()) {
                throw e;
            }
            fromRaw(data, shape, dest, offset);
        }
    }

    /**
     * Decodes a plain PNG without ImageIO when it is one and needs no subsampling; false to leave
     * it to ImageIO. The size limits are checked here first, with ImageIO's path's reasons.
     */
    private boolean fastPng(byte[] data, Shape shape, float[] dest, int offset) throws RejectedInputException {
        PngFastPath.Header h = PngFastPath.header(data);
        if (h == null) {
            return false;
        }
        checkSize(Format.PNG, h.width(), h.height());
        if (h.width() / (4 * shape.width()) > 1 || h.height() / (4 * shape.height()) > 1) {
            // ImageIO's path subsamples such an image as it decodes (below)
            return false;
        }
        float[] samples = png.decode(data, h);
        if (samples == null) {
            return false;
        }
        fromSamples(samples, h.grey(), h.width(), h.height(), shape, dest, offset);
        return true;
    }

    /** A Netpbm image, which ImageIO has no decoder for: read by {@link PnmDecoder}, subsampled as it reads. */
    private void fromPnm(byte[] data, Shape shape, float[] dest, int offset) throws RejectedInputException {
        PnmDecoder.Header h = PnmDecoder.header(data);
        checkSize(Format.PNM, h.width(), h.height());
        PnmDecoder.Planes planes;
        try {
            planes = PnmDecoder.decode(data, h, Math.max(1, h.width() / (4 * shape.width())),
                    Math.max(1, h.height() / (4 * shape.height())));
        } catch (RuntimeException e) {
            throw undecodable(Format.PNM, e);
        }
        fromSamples(planes.samples(), planes.grey(), planes.width(), planes.height(), shape, dest, offset);
    }

    private static void checkContentType(String contentType) throws RejectedInputException {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String type = contentType.toLowerCase(Locale.ROOT).trim();
        if (type.startsWith("image/") || type.startsWith("application/octet-stream")) {
            return;
        }
        throw new RejectedInputException(RejectReason.UNSUPPORTED_CONTENT_TYPE, "content type '" + contentType
                + "' is not an image, nor are the bytes a PNG, JPEG, GIF, BMP, TIFF, WebP or PNM file; send image/png,"
                + " image/jpeg, ... or application/octet-stream for raw pixels");
    }

    private BufferedImage decode(byte[] data, Format format, Shape shape) throws RejectedInputException {
        ImageReader reader = readers.computeIfAbsent(format, Format::newReader);
        if (reader == null) {
            throw new RejectedInputException(RejectReason.UNDECODABLE_IMAGE, "this Java runtime has no " + format
                    + " decoder");
        }
        int width = 0;
        int height = 0;
        boolean checked = false;
        int permits = 0;
        try (ImageInputStream in = new ByteArrayImageInputStream(data)) {
            reader.setInput(in, true, true);
            width = reader.getWidth(0);
            height = reader.getHeight(0);
            checkSize(format, width, height);
            DecoderGuards.JpegFrame jpeg = format == Format.JPEG ? DecoderGuards.jpegFrame(data) : null;
            long wholeImageBytes = DecoderGuards.wholeImageBytes(format, jpeg, width, height);
            checkWholeImage(format, wholeImageBytes, width, height);
            permits = acquireWholeImageMemory(wholeImageBytes);
            if (format == Format.TIFF) {
                DecoderGuards.checkTiff(reader.getImageMetadata(0), width, height);
            } else if (format == Format.BMP) {
                DecoderGuards.checkBmp(data);
            } else if (format == Format.WEBP) {
                DecoderGuards.checkWebp(data);
            }
            checked = true;
            if (coloursNeedSecondDecoder(format, jpeg, reader) && secondReader(format) != null) {
                return readWithSecondDecoder(format, data, shape, width, height, null);
            }
            // Decode big images at reduced resolution, each axis on its own, so the box filter only sees
            // ~4x the target and a long thin image needs no more memory than a square one.
            int stepX = Math.max(1, width / (4 * shape.width()));
            int stepY = Math.max(1, height / (4 * shape.height()));
            return read(reader, format, stepX, stepY);
        } catch (IIOException e) {
            // only once the header passed every check: the second decoder reads what they allowed
            if (format != Format.TIFF || !checked) {
                throw undecodable(format, e);
            }
            return readWithSecondDecoder(format, data, shape, width, height, e);
        } catch (IOException | RuntimeException e) {
            throw undecodable(format, e);
        } finally {
            reader.reset();
            WHOLE_IMAGE_MEMORY.release(permits);
        }
    }

    /**
     * Waits until an image decoded whole may take its memory, counted in MiB across every thread of
     * the process: each stream thread has a preprocessor of its own, and two threads decoding the
     * largest WebP the budget allows at once would need twice it. Small images (under 16 MiB) go
     * by without counting. Returns the permits to give back.
     */
    private static int acquireWholeImageMemory(long bytes) {
        if (bytes < WHOLE_IMAGE_FLOOR_BYTES) {
            return 0;
        }
        int permits = (int) Math.min(WHOLE_IMAGE_PERMITS, mebibytes(bytes));
        // uninterruptibly: an interrupted wait must not turn a valid image into a dead letter; the
        // wait is at most another thread's decode of one image
        WHOLE_IMAGE_MEMORY.acquireUninterruptibly(permits);
        return permits;
    }

    /** The permits free now, for tests: all of them when no image is being decoded whole. */
    static int freeWholeImagePermits() {
        return WHOLE_IMAGE_MEMORY.availablePermits();
    }

    /**
     * Images whose colours the JDK's decoder gets wrong, though it reads them: a four-component JPEG
     * (CMYK or YCCK, Adobe's inverted ones included: the JDK hands out the raw components, far too
     * bright) and a CIELab TIFF (read as if it were RGB, nearly black). The second decoder converts
     * them to RGB.
     */
    private static boolean coloursNeedSecondDecoder(Format format, DecoderGuards.JpegFrame jpeg, ImageReader reader)
            throws IOException {
        if (format == Format.JPEG) {
            return jpeg != null && jpeg.components() == 4;
        }
        return format == Format.TIFF && DecoderGuards.isLabTiff(reader.getImageMetadata(0));
    }

    private ImageReader secondReader(Format format) {
        return secondReaders.computeIfAbsent(format, Format::newSecondReader);
    }

    /**
     * Decodes with the second decoder of the format (TwelveMonkeys' plugin), when the JDK's reads
     * the image with the wrong colours ({@code first} null) or cannot read it at all: a TIFF that
     * passed the size checks but has 16-bit samples with a horizontal-differencing predictor, or the
     * floating-point predictor (what libtiff and ImageMagick write for compressed 16-bit and float
     * images), gets a second try before it is refused with the JDK's reason ({@code first}). The
     * second decoder must read the size the checks passed ({@code width} x {@code height}).
     */
    private BufferedImage readWithSecondDecoder(Format format, byte[] data, Shape shape, int width, int height,
                                                IIOException first) throws RejectedInputException {
        ImageReader reader = secondReader(format);
        if (reader == null) {
            throw undecodable(format, first);
        }
        try (ImageInputStream in = new ByteArrayImageInputStream(data)) {
            reader.setInput(in, true, true);
            if (reader.getWidth(0) != width || reader.getHeight(0) != height) {
                // the checks above were made on the JDK decoder's reading of the header
                throw new IIOException("the " + format + " decoders disagree on its size");
            }
            return read(reader, format, Math.max(1, width / (4 * shape.width())),
                    Math.max(1, height / (4 * shape.height())));
        } catch (IOException | RuntimeException e) {
            if (first == null) {
                throw undecodable(format, e);
            }
            first.addSuppressed(e);
            throw undecodable(format, first);
        } finally {
            reader.reset();
        }
    }

    private static BufferedImage read(ImageReader reader, Format format, int stepX, int stepY) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        if (stepX > 1 || stepY > 1) {
            param.setSourceSubsampling(stepX, stepY, 0, 0);
        }
        BufferedImage image = reader.read(0, param);
        if (image == null) {
            throw new IIOException("the " + format + " decoder returned nothing");
        }
        return image;
    }

    private static RejectedInputException undecodable(Format format, Exception e) {
        return new RejectedInputException(RejectReason.UNDECODABLE_IMAGE,
                "the " + format + " image does not decode: " + describe(e), e);
    }

    private void checkSize(Format format, int width, int height) throws RejectedInputException {
        if (width < 1 || height < 1) {
            throw new RejectedInputException(RejectReason.UNDECODABLE_IMAGE, "the " + format + " image is "
                    + width + "x" + height + " pixels");
        }
        if (width > InputLimits.MAX_SIDE || height > InputLimits.MAX_SIDE) {
            // A decoder allocates whole rows (or columns) before it reads a pixel: the side is
            // bounded too, not only the area.
            throw new RejectedInputException(RejectReason.IMAGE_TOO_LARGE, "the " + format + " image is "
                    + width + "x" + height + " pixels; neither side may exceed " + InputLimits.MAX_SIDE + " pixels");
        }
        if ((long) width * height > limits.maxPixels()) {
            throw new RejectedInputException(RejectReason.IMAGE_TOO_LARGE, "the " + format + " image is "
                    + width + "x" + height + " pixels, over the limit of " + limits.maxPixels()
                    + " pixels (--max-image-pixels)");
        }
    }

    /**
     * A WebP's whole-image buffer (heap) may take {@link InputLimits#maxWholeImageBytes}; a JPEG's
     * coefficients (native memory, which the heap limit does not cover and which shares the
     * process's headroom beside the heap with ONNX Runtime) half of that.
     */
    private void checkWholeImage(Format format, long bytes, int width, int height) throws RejectedInputException {
        boolean heap = format == Format.WEBP;
        long limit = heap ? limits.maxWholeImageBytes() : limits.maxWholeImageBytes() / 2;
        if (bytes <= limit) {
            return;
        }
        String what = heap ? "a WebP is decoded whole, 4 bytes a pixel"
                : "a progressive (or multi-scan) JPEG is decoded from all its coefficients at once, in native memory";
        throw new RejectedInputException(RejectReason.IMAGE_TOO_LARGE, "the " + format + " image is " + width + "x"
                + height + " pixels and " + what + ": " + mebibytes(bytes) + " MiB, over the limit of "
                + mebibytes(limit) + " MiB (" + (heap ? "half" : "a quarter") + " of the detector's heap, at most "
                + (heap ? "1024" : "512") + " MiB); give the detector more memory (JAVA_OPTS=-Xmx...) or send large"
                + " images as PNG or baseline JPEG, which are decoded at reduced size");
    }

    private static long mebibytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** A decoder's exception as a person can read it: some carry no message at all. */
    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static void fromRaw(byte[] data, Shape shape, float[] dest, int offset) {
        int plane = shape.height() * shape.width();
        int c = shape.channels();
        Normalization n = shape.normalization();
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                dest[offset + ch * plane + p] = n.apply(data[p * c + ch] & 0xFF);
            }
        }
    }

    private static void fromImage(BufferedImage image, Shape shape, float[] dest, int offset) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean grey = isGrey(image);
        int srcChannels = grey ? 1 : 3;
        float[] src = new float[srcChannels * w * h];
        if (grey) {
            greyTo8Bit(image, src);
        } else {
            int[] row = new int[w];
            int plane = w * h;
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int rgb = row[x];
                    src[y * w + x] = (rgb >> 16) & 0xFF;
                    src[plane + y * w + x] = (rgb >> 8) & 0xFF;
                    src[2 * plane + y * w + x] = rgb & 0xFF;
                }
            }
        }
        fromSamples(src, grey, w, h, shape, dest, offset);
    }

    /** Grey ({@code grey}) or R, G, B planes of 0-255 samples to the model's shape and normalisation. */
    private static void fromSamples(float[] src, boolean grey, int w, int h, Shape shape, float[] dest, int offset) {
        int plane = shape.height() * shape.width();
        float[] resized = new float[plane];
        Normalization n = shape.normalization();
        if (shape.channels() == 1) {
            float[] luma = grey ? src : luma(src, w * h);
            Resize.into(luma, 0, w, h, resized, shape.width(), shape.height());
            for (int i = 0; i < plane; i++) {
                dest[offset + i] = n.scale() * resized[i] + n.offset();
            }
        } else {
            for (int ch = 0; ch < 3; ch++) {
                int srcOffset = grey ? 0 : ch * w * h;
                Resize.into(src, srcOffset, w, h, resized, shape.width(), shape.height());
                for (int i = 0; i < plane; i++) {
                    dest[offset + ch * plane + i] = n.scale() * resized[i] + n.offset();
                }
            }
        }
    }

    /**
     * The grey samples on the 0-255 scale, exactly for 8-bit images. TIFF also carries grey as
     * signed 16-bit, unsigned 32-bit and floating point samples, which are not 0..2^bits-1.
     */
    private static void greyTo8Bit(BufferedImage image, float[] src) {
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int bits = image.getColorModel().getComponentSize(0);
        int dataType = raster.getDataBuffer().getDataType();
        if (dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE) {
            float[] row = new float[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    // Floating-point grey is 0..1; NaN fails both comparisons and becomes 0.
                    float v = row[x];
                    src[y * w + x] = v > 1f ? 255f : v > 0f ? v * 255f : 0f;
                }
            }
            return;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                src[y * w + x] = switch (dataType) {
                    case DataBuffer.TYPE_SHORT -> Math.max(0, row[x]) * (255f / Short.MAX_VALUE);
                    case DataBuffer.TYPE_INT -> (float) ((row[x] & 0xFFFF_FFFFL) * (255.0 / 0xFFFF_FFFFL));
                    // Clamped: a decoder may hand out samples wider than the declared depth (a
                    // 12-bit TIFF gave 16-bit values).
                    default -> Math.min(255f, bits > 8 ? row[x] >> (bits - 8)
                            : bits < 8 ? row[x] * (255f / ((1 << bits) - 1)) : row[x]);
                };
            }
        }
    }

    private static boolean isGrey(BufferedImage image) {
        return image.getColorModel().getNumColorComponents() == 1
                && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && image.getRaster().getNumBands() <= 2
                && !(image.getColorModel() instanceof java.awt.image.IndexColorModel);
    }

    private static float[] luma(float[] rgb, int plane) {
        float[] out = new float[plane];
        for (int i = 0; i < plane; i++) {
            out[i] = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
        }
        return out;
    }

    /** Image formats recognised by their first bytes. */
    enum Format {
        PNG, JPEG, GIF, BMP, TIFF, WEBP, PNM;

        /**
         * A new ImageIO decoder for this format: the JDK's own where it has one (a plugin on the
         * class path may register ahead of it, and the header checks of {@link DecoderGuards} read
         * the JDK's TIFF metadata), else the first plugin's; null when the runtime has none.
         */
        ImageReader newReader() {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name().toLowerCase(Locale.ROOT));
            ImageReader first = null;
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                if (isJdk(reader)) {
                    return reader;
                }
                first = first == null ? reader : first;
            }
            return first;
        }

        /** A decoder of this format other than the JDK's, or null when the class path has none. */
        ImageReader newSecondReader() {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name().toLowerCase(Locale.ROOT));
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                if (!isJdk(reader)) {
                    return reader;
                }
            }
            return null;
        }

        private static boolean isJdk(ImageReader reader) {
            return reader.getClass().getName().startsWith("com.sun.imageio.");
        }

        static Format sniff(byte[] b) {
            if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
                return PNG;
            }
            if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
                return JPEG;
            }
            if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
                return GIF;
            }
            if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
                return BMP;
            }
            if (b.length >= 8 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0)
                    || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
                return TIFF;
            }
            if (b.length >= 16 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                    && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
                return WEBP;
            }
            if (PnmDecoder.sniff(b)) {
                return PNM;
            }
            return null;
        }
    }
}
