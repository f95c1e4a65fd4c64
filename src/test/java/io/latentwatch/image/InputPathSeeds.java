package io.latentwatch.image;

import io.latentwatch.testing.FuzzRecord;
import io.latentwatch.testing.TestImages;
import io.latentwatch.testing.TestWebp;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes the shared seed corpus of {@link InputPathFuzzTest}: small images of every format, colour
 * type and bit depth the decoders meet, truncated ones, and CloudEvents records in the
 * {@link FuzzRecord} form. Deterministic: running it again writes the same bytes.
 *
 * <p>Run by {@code scripts/fuzz.sh seeds}; the output is checked in under
 * {@code src/test/resources/io/latentwatch/image/InputPathFuzzTestInputs}. Regression seeds for
 * findings live in the per-target sub-directories and are not written here, nor are the two TIFFs
 * with a predictor ({@code tiff-*-predictor-8x6.tif}, written by ImageMagick: no JDK writer makes
 * them).
 */
public final class InputPathSeeds {
    private InputPathSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/io/latentwatch/image/InputPathFuzzTestInputs");
        Files.createDirectories(dir);
        long total = 0;
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
            total += seed.getValue().length;
        }
        System.out.println("wrote " + seeds().size() + " seeds, " + total + " bytes, to " + dir);
    }

    static Map<String, byte[]> seeds() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        BufferedImage grey = grey(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] greyPng = encode(grey, "png", null);
        seeds.put("png-grey8-28x28.png", greyPng);
        seeds.put("png-grey16-30x20.png", encode(grey(30, 20, BufferedImage.TYPE_USHORT_GRAY), "png", null));
        seeds.put("png-grey1-17x9.png", encode(grey(17, 9, BufferedImage.TYPE_BYTE_BINARY), "png", null));
        seeds.put("png-grey-alpha-12x12.png", encode(greyAlpha(12, 12), "png", null));
        seeds.put("png-rgb-40x30.png", encode(colour(40, 30, BufferedImage.TYPE_INT_RGB), "png", null));
        seeds.put("png-rgba-16x16.png", encode(colour(16, 16, BufferedImage.TYPE_INT_ARGB), "png", null));
        seeds.put("png-rgb16-10x10.png", encode(rgb16(10, 10), "png", null));
        seeds.put("png-palette-20x20.png", encode(palette(20, 20), "png", null));
        seeds.put("png-interlaced-19x23.png", encode(colour(19, 23, BufferedImage.TYPE_INT_RGB), "png",
                ImageWriteParam.MODE_DEFAULT));
        seeds.put("png-1x1.png", encode(grey(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", null));
        seeds.put("png-wide-300x2.png", encode(colour(300, 2, BufferedImage.TYPE_INT_RGB), "png", null));
        byte[] jpeg = encode(colour(64, 48, BufferedImage.TYPE_INT_RGB), "jpeg", null);
        seeds.put("jpeg-rgb-64x48.jpg", jpeg);
        seeds.put("jpeg-grey-33x33.jpg", encode(grey(33, 33, BufferedImage.TYPE_BYTE_GRAY), "jpeg", null));
        seeds.put("jpeg-progressive-40x40.jpg", encode(colour(40, 40, BufferedImage.TYPE_INT_RGB), "jpeg",
                ImageWriteParam.MODE_DEFAULT));
        seeds.put("jpeg-cmyk-16x16.jpg", cmykJpeg(16, 16));
        seeds.put("gif-palette-20x20.gif", encode(palette(20, 20), "gif", null));
        seeds.put("gif-rgb-31x17.gif", encode(colour(31, 17, BufferedImage.TYPE_INT_RGB), "gif", null));
        seeds.put("bmp-rgb-13x7.bmp", encode(colour(13, 7, BufferedImage.TYPE_INT_RGB), "bmp", null));
        seeds.put("bmp-palette-20x20.bmp", encode(palette(20, 20), "bmp", null));
        seeds.put("bmp-binary-9x9.bmp", encode(grey(9, 9, BufferedImage.TYPE_BYTE_BINARY), "bmp", null));
        seeds.put("tiff-rgb-20x10.tif", encode(colour(20, 10, BufferedImage.TYPE_INT_RGB), "tiff", null));
        seeds.put("tiff-grey16-15x15.tif", encode(grey(15, 15, BufferedImage.TYPE_USHORT_GRAY), "tiff", null));
        seeds.put("tiff-palette-lzw-20x20.tif", compressed(palette(20, 20), "LZW"));
        seeds.put("tiff-grey-deflate-28x28.tif", compressed(grey, "Deflate"));
        seeds.put("tiff-rgb-packbits-tiled-40x40.tif", tiled(colour(40, 40, BufferedImage.TYPE_INT_RGB)));
        seeds.put("tiff-rgb-jpeg-24x24.tif", compressed(colour(24, 24, BufferedImage.TYPE_INT_RGB), "JPEG"));
        seeds.put("tiff-grey-float-8x8.tif", encode(greyOfType(8, 8, DataBuffer.TYPE_FLOAT), "tiff", null));
        seeds.put("tiff-grey-signed16-8x8.tif", encode(greyOfType(8, 8, DataBuffer.TYPE_SHORT), "tiff", null));
        seeds.put("tiff-grey-int32-8x8.tif", encode(greyOfType(8, 8, DataBuffer.TYPE_INT), "tiff", null));
        seeds.put("truncated-png.png", half(greyPng));
        seeds.put("truncated-jpeg.jpg", half(jpeg));
        seeds.put("truncated-gif.gif", half(seeds.get("gif-palette-20x20.gif")));
        seeds.put("truncated-bmp.bmp", Arrays.copyOf(seeds.get("bmp-rgb-13x7.bmp"), 40));
        seeds.put("truncated-tiff.tif", half(seeds.get("tiff-rgb-20x10.tif")));
        seeds.put("webp-lossless-20x20.webp", TestWebp.twoGreyLevels(20, 20, 30, 220, (x, y) -> (x / 4 + y / 3) & 1));
        seeds.put("truncated-webp.webp", half(TestWebp.twoGreyLevels(40, 40, 0, 255, (x, y) -> (x ^ y) & 4)));
        seeds.put("raw-grey-28x28.bin", raw(28 * 28));
        seeds.put("raw-rgb-32x24.bin", raw(3 * 32 * 24));
        records(seeds, greyPng, jpeg);
        return seeds;
    }

    /** CloudEvents and bare records, with headers, in the FuzzRecord form. */
    private static void records(Map<String, byte[]> seeds, byte[] png, byte[] jpeg) {
        String base64 = Base64.getEncoder().encodeToString(png);
        seeds.put("record-binary-png.rec", record("evt-1", null, png, "ce_specversion", "1.0", "ce_id", "evt-1",
                "ce_source", "/cameras/7", "ce_type", "com.example.image", "ce_time", "2026-11-27T10:00:00Z",
                "content-type", "image/png"));
        seeds.put("record-binary-jpeg-rgb-model.rec", record("evt-2", "rgb", jpeg, "ce_specversion", "1.0",
                "ce_id", "evt-2", "ce_source", "/s", "ce_type", "t", "content-type", "image/jpeg"));
        seeds.put("record-binary-no-id.rec", record(null, null, png, "ce_specversion", "1.0", "ce_source", "/s",
                "ce_type", "t", "content-type", "image/png"));
        seeds.put("record-binary-specversion-03.rec", record(null, null, png, "ce_specversion", "0.3",
                "ce_id", "a", "ce_source", "/s", "ce_type", "t", "ce_datacontenttype", "image/png"));
        seeds.put("record-structured-png.rec", record("evt-3", null, json("{\"specversion\":\"1.0\",\"id\":\"evt-3\","
                + "\"source\":\"/scanner\",\"type\":\"scan\",\"time\":\"2026-11-27T10:00:00.123+01:00\","
                + "\"datacontenttype\":\"image/png\",\"data_base64\":\"" + base64 + "\"}"),
                "content-type", "application/cloudevents+json; charset=UTF-8"));
        seeds.put("record-structured-no-header-tiny-model.rec", record(null, "tiny",
                json("{\"specversion\":\"1.0\",\"id\":\"evt-4\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\""
                        + base64 + "\"}")));
        seeds.put("record-structured-json-data.rec", record(null, null,
                json("{\"specversion\":\"1.0\",\"id\":\"evt-5\",\"source\":\"/s\",\"type\":\"t\","
                        + "\"datacontenttype\":\"application/json\",\"data\":{\"pixels\":[1,2,3]}}"),
                "content-type", "application/cloudevents+json"));
        seeds.put("record-structured-bad-base64.rec", record(null, null,
                json("{\"specversion\":\"1.0\",\"id\":\"evt-6\",\"source\":\"/s\",\"type\":\"t\","
                        + "\"data_base64\":\"@@not base64@@\"}"), "content-type", "application/cloudevents+json"));
        seeds.put("record-structured-batch.rec", record(null, null,
                json("[{\"specversion\":\"1.0\",\"id\":\"evt-7\",\"source\":\"/s\",\"type\":\"t\"}]"),
                "content-type", "application/cloudevents-batch+json"));
        seeds.put("record-text-plain.rec", record("k", null, json("hello"), "content-type", "text/plain"));
        seeds.put("record-octet-stream-raw.rec", record("k", "tiny", new byte[] {42},
                "content-type", "application/octet-stream"));
        seeds.put("record-null-header-values.rec", record(null, null, png, "content-type", null, "ce_id", null,
                "trace-id", "abc"));
        seeds.put("record-empty-value.rec", record("empty", null, new byte[0], "trace-id", "1"));
    }

    private static byte[] record(String key, String model, byte[] value, String... headerPairs) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(headerPairs[i], headerPairs[i + 1] == null ? null
                    : headerPairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new FuzzRecord(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                FuzzRecord.DEFAULT_TIMESTAMP, model, headers, value).encode();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] half(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length / 2);
    }

    private static byte[] raw(int size) {
        byte[] raw = new byte[size];
        for (int i = 0; i < size; i++) {
            raw[i] = (byte) (i * 7);
        }
        return raw;
    }

    private static BufferedImage grey(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, (int) ((long) max * ((x + y) % 8) / 7));
            }
        }
        return image;
    }

    private static BufferedImage colour(int w, int h, int type) {
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, ((x * 255 / Math.max(1, w - 1)) << 16) | ((y * 255 / Math.max(1, h - 1)) << 8)
                        | ((x + y) % 2 == 0 ? 0x30 : 0xC0) | (((x * 17) & 0xFF) << 24));
            }
        }
        return image;
    }

    private static BufferedImage greyAlpha(int w, int h) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, x * 20);
                raster.setSample(x, y, 1, y * 20);
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    /** Grey of a sample type TIFF carries besides unsigned 8 and 16 bits: float, signed 16, 32 bits. */
    static BufferedImage greyOfType(int w, int h, int dataType) {
        ComponentColorModel model = dataType == DataBuffer.TYPE_INT
                ? new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {32}, false, false,
                        Transparency.OPAQUE, dataType)
                : new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                        Transparency.OPAQUE, dataType);
        WritableRaster raster = model.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // From the type's minimum (or below 0 for floats) to its maximum, left to right.
                double t = (double) x / Math.max(1, w - 1);
                switch (dataType) {
                    case DataBuffer.TYPE_FLOAT -> raster.setSample(x, y, 0, (float) (t * 1.5 - 0.25));
                    case DataBuffer.TYPE_SHORT -> raster.setSample(x, y, 0, (int) (Short.MIN_VALUE + t * 65535));
                    default -> raster.setSample(x, y, 0, (int) (long) (t * 0xFFFF_FFFFL));
                }
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static BufferedImage rgb16(int w, int h) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, new int[] {x * 6000, y * 6000, 65535 - x * y * 600});
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static BufferedImage palette(int w, int h) {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16);
            g[i] = (byte) (255 - i * 16);
            b[i] = (byte) (i % 2 == 0 ? 0 : 255);
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, r, g, b));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, (x + 2 * y) % 16);
            }
        }
        return image;
    }

    /** An Adobe-less four-channel JPEG written from a raster: what CMYK print workflows send. */
    private static byte[] cmykJpeg(int w, int h) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, new int[] {x * 15, y * 15, 0, 40});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[] compressed(BufferedImage image, String compression) throws IOException {
        return write(image, "tiff", param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(compression);
        });
    }

    private static byte[] tiled(BufferedImage image) throws IOException {
        return write(image, "tiff", param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("PackBits");
            param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
            param.setTiling(16, 16, 0, 0);
        });
    }

    /** @param progressive {@code MODE_DEFAULT} for a progressive JPEG or an interlaced PNG, else null */
    private static byte[] encode(BufferedImage image, String format, Integer progressive) throws IOException {
        return write(image, format, param -> {
            if (progressive != null) {
                param.setProgressiveMode(progressive);
            }
        });
    }

    private static byte[] write(BufferedImage image, String format, java.util.function.Consumer<ImageWriteParam> setup)
            throws IOException {
        // the JDK's writer where it has one: the seeds' bytes do not depend on the plugins on the class path
        ImageWriter writer = TestImages.jdkWriterFirst(ImageIO.getImageWriters(
                ImageTypeSpecifier.createFromRenderedImage(image), format), format);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            setup.accept(param);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
