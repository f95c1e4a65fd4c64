package io.latentwatch.train;

import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.onnx.OnnxGraph;
import io.latentwatch.onnx.OnnxGraph.Attribute;

import java.util.List;
import java.util.Map;

/**
 * Writes trained weights as an ONNX graph, node by node: input {@code input} float32
 * {@code [N, C, H, W]}, outputs {@code reconstruction} (same shape) and {@code embedding}
 * ({@code [N, latent]}; {@code z_mean} for a VAE, whose graph decodes {@code z = z_mean}). With a
 * blur of 3 or more the graph also outputs {@code score} ({@code [N]}): the mean square of the
 * reconstruction error after a {@code blur x blur} box filter (zero padding), which the detector
 * reads with score function {@code output}.
 */
public final class OnnxExporter {
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the decoder graph's input: latent vectors {@code [N, latent]}. */
    public static final String LATENT = "latent";
    /** Name of the decoder graph's output: images {@code [N, C, H, W]}. */
    public static final String IMAGE = "image";

    private OnnxExporter() {
    }

    /** Serialises the network with the given {@code metadata_props}, without a score output. */
    public static byte[] export(NetworkWeights weights, Map<String, String> metadata) {
        return export(weights, 1, metadata);
    }

    /**
     * Serialises the network with the given {@code metadata_props}.
     *
     * @param blur box filter size of the {@code score} output; 1 writes no score output
     */
    public static byte[] export(NetworkWeights weights, int blur, Map<String, String> metadata) {
        return export(weights, blur, null, metadata);
    }

    /**
     * Serialises the network with the given {@code metadata_props}, its score combined with the
     * pixel kNN term when {@code knn} is given ({@link PixelKnn}: then there is always a score output).
     *
     * @param blur box filter size of the reconstruction error in the score; 1 is plain MSE, and without
     *             {@code knn} writes no score output
     * @param knn  the second term of the score, or null
     */
    public static byte[] export(NetworkWeights weights, int blur, PixelKnn knn, Map<String, String> metadata) {
        Architecture a = weights.architecture();
        OnnxGraph graph = OnnxGraph.named("latentwatch_" + weights.type().id())
                .input(INPUT, OnnxGraph.DYNAMIC, a.channels(), a.height(), a.width())
                .output(OnnxAutoencoder.RECONSTRUCTION, OnnxGraph.DYNAMIC, a.channels(), a.height(), a.width())
                .output(OnnxAutoencoder.EMBEDDING, OnnxGraph.DYNAMIC, a.latentSize())
                .metadata(metadata);
        Writer writer = new Writer(graph, weights);
        String features = writer.layers("encoder", a.encoder(), INPUT, null);
        writer.dense("z_mean", features, OnnxAutoencoder.EMBEDDING);
        writer.layers("decoder", a.decoder(), OnnxAutoencoder.EMBEDDING, OnnxAutoencoder.RECONSTRUCTION);
        if (blur > 1 || knn != null) {
            graph.output(OnnxAutoencoder.SCORE, OnnxGraph.DYNAMIC);
            blurredError(graph, blur, knn == null ? OnnxAutoencoder.SCORE : "score.blur");
            if (knn != null) {
                pixelKnn(graph, knn, "score.blur", OnnxAutoencoder.SCORE);
            }
        }
        return graph.toBytes();
    }

    /**
     * Serialises the decoder alone: input {@link #LATENT} float32 {@code [N, latent]}, output
     * {@link #IMAGE} float32 {@code [N, C, H, W]}, the same nodes and weights as the decoder half of
     * {@link #export}. It lets a VAE generate images from latent vectors without changing the
     * detector's one-input model contract.
     */
    public static byte[] exportDecoder(NetworkWeights weights, Map<String, String> metadata) {
        Architecture a = weights.architecture();
        OnnxGraph graph = OnnxGraph.named("latentwatch_" + weights.type().id() + "_decoder")
                .input(LATENT, OnnxGraph.DYNAMIC, a.latentSize())
                .output(IMAGE, OnnxGraph.DYNAMIC, a.channels(), a.height(), a.width())
                .metadata(metadata);
        new Writer(graph, weights).layers("decoder", a.decoder(), LATENT, IMAGE);
        return graph.toBytes();
    }

    private static void blurredError(OnnxGraph graph, int blur, String out) {
        if (blur % 2 == 0) {
            throw new IllegalArgumentException("the score blur must be odd, got " + blur);
        }
        int pad = blur / 2;
        graph.node("Sub", List.of(INPUT, OnnxAutoencoder.RECONSTRUCTION), List.of("score.error"))
                .node("AveragePool", List.of("score.error"), List.of("score.blurred"),
                        Attribute.ofInts("kernel_shape", blur, blur), Attribute.ofInts("pads", pad, pad, pad, pad),
                        Attribute.ofInts("strides", 1, 1), Attribute.ofInt("count_include_pad", 1))
                .node("Mul", List.of("score.blurred", "score.blurred"), List.of("score.squared"))
                .node("ReduceMean", List.of("score.squared"), List.of(out),
                        Attribute.ofInts("axes", 1, 2, 3), Attribute.ofInt("keepdims", 0));
    }

    /**
     * {@code out = blurCenter * (blur / blurCenter) ^ blurExponent * ((mean of the k smallest
     * distances + EPSILON) / center) ^ weight}, the
     * distances between the input's thumbnail and the bank's. The nearest are picked on
     * {@code |b|^2 - 2 x.b} (a squared distance less {@code |x|^2}, which is the same for every bank
     * image), from one {@code Gemm} against the bank ({@code [size, dims]}, transposed by the node);
     * the distances to the k picked are then computed directly, {@code sum((x - b)^2)} over their
     * thumbnails gathered from the same bank (rows: one contiguous copy each), since the expanded
     * form loses digits to cancellation exactly where distances are small.
     */
    private static void pixelKnn(OnnxGraph graph, PixelKnn knn, String blur, String out) {
        int pool = knn.pool();
        String planes = knnPlanes(graph, knn);
        graph.initializer("knn.bank", knn.bank(), knn.size(), knn.dims())
                .initializer("knn.bank_norms", knn.norms(), knn.size())
                .initializerInt64("knn.k", new long[] {knn.k()}, 1)
                .initializerInt64("knn.axis_1", new long[] {1}, 1)
                .initializer("knn.epsilon", new float[] {(float) PixelKnn.EPSILON}, 1)
                .initializer("knn.center", new float[] {(float) knn.center()}, 1)
                .initializer("knn.weight", new float[] {(float) knn.weight()}, 1)
                .initializer("knn.blur_center", new float[] {(float) knn.blurCenter()}, 1)
                .initializer("knn.blur_exponent", new float[] {(float) knn.blurExponent()}, 1)
                .node("AveragePool", List.of(planes), List.of("knn.averages"),
                        Attribute.ofInts("kernel_shape", pool, pool), Attribute.ofInts("strides", pool, pool));
        String thumbnail = "knn.averages";
        if (knn.features() == PixelKnn.Features.EDGES_MAX) {
            graph.node("MaxPool", List.of("knn.absolute_gradients"), List.of("knn.peaks"),
                            Attribute.ofInts("kernel_shape", pool, pool), Attribute.ofInts("strides", pool, pool))
                    .node("Concat", List.of("knn.averages", "knn.peaks"), List.of("knn.thumbnail"),
                            Attribute.ofInt("axis", 1));
            thumbnail = "knn.thumbnail";
        }
        graph.node("Flatten", List.of(thumbnail), List.of("knn.x"), Attribute.ofInt("axis", 1))
                // |b|^2 - 2 x.b: [N, size]
                .node("Gemm", List.of("knn.x", "knn.bank", "knn.bank_norms"), List.of("knn.partial"),
                        Attribute.ofFloat("alpha", -2f), Attribute.ofInt("transB", 1))
                .node("TopK", List.of("knn.partial", "knn.k"), List.of("knn.nearest_partial", "knn.nearest_index"),
                        Attribute.ofInt("axis", 1), Attribute.ofInt("largest", 0), Attribute.ofInt("sorted", 1))
                // [N, k, dims]: the k nearest thumbnails of each image
                .node("Gather", List.of("knn.bank", "knn.nearest_index"), List.of("knn.nearest_thumbnails"),
                        Attribute.ofInt("axis", 0))
                .node("Unsqueeze", List.of("knn.x", "knn.axis_1"), List.of("knn.x_row"))
                .node("Sub", List.of("knn.nearest_thumbnails", "knn.x_row"), List.of("knn.difference"))
                .node("ReduceSumSquare", List.of("knn.difference"), List.of("knn.nearest"),
                        Attribute.ofInts("axes", 2), Attribute.ofInt("keepdims", 0))
                .node("Sqrt", List.of("knn.nearest"), List.of("knn.nearest_distance"));
        String distances = "knn.nearest_distance";
        if (knn.radii() != null) {
            // each distance less its centre's radius; the largest radius added back keeps the mean positive
            graph.initializer("knn.radii", knn.radii(), knn.size())
                    .initializer("knn.radius_shift", new float[] {(float) knn.radiusShift()}, 1)
                    .node("Gather", List.of("knn.radii", "knn.nearest_index"), List.of("knn.nearest_radii"),
                            Attribute.ofInt("axis", 0))
                    .node("Sub", List.of("knn.nearest_distance", "knn.nearest_radii"), List.of("knn.beyond_radius"))
                    .node("Add", List.of("knn.beyond_radius", "knn.radius_shift"), List.of("knn.adjusted_distance"));
            distances = "knn.adjusted_distance";
        }
        graph.node("ReduceMean", List.of(distances), List.of("knn.distance"),
                        Attribute.ofInts("axes", 1), Attribute.ofInt("keepdims", 0))
                .node("Add", List.of("knn.distance", "knn.epsilon"), List.of("knn.shifted"))
                .node("Div", List.of("knn.shifted", "knn.center"), List.of("knn.ratio"))
                .node("Pow", List.of("knn.ratio", "knn.weight"), List.of("knn.factor"))
                .node("Div", List.of(blur, "knn.blur_center"), List.of("knn.blur_ratio"))
                .node("Pow", List.of("knn.blur_ratio", "knn.blur_exponent"), List.of("knn.blur_factor"))
                .node("Mul", List.of("knn.blur_factor", "knn.factor"), List.of("knn.product"))
                .node("Mul", List.of("knn.product", "knn.blur_center"), List.of(out));
    }

    /**
     * The planes the thumbnail average-pools: the input itself, or with {@link PixelKnn.Features#EDGES}
     * (and {@code EDGES_MAX}, which also max-pools {@code knn.absolute_gradients}) the input, its
     * doubled Sobel gradients (one grouped {@code Conv}: x then y of each channel) and their absolute
     * values, concatenated on the channel axis.
     */
    private static String knnPlanes(OnnxGraph graph, PixelKnn knn) {
        if (knn.features() == PixelKnn.Features.PIXELS) {
            return INPUT;
        }
        int channels = knn.channels();
        float[] kernels = new float[channels * 2 * 9];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(PixelKnn.SOBEL_X, 0, kernels, (2 * c) * 9, 9);
            System.arraycopy(PixelKnn.SOBEL_Y, 0, kernels, (2 * c + 1) * 9, 9);
        }
        graph.initializer("knn.sobel", kernels, 2L * channels, 1, 3, 3)
                .node("Conv", List.of(INPUT, "knn.sobel"), List.of("knn.gradients"),
                        Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1),
                        Attribute.ofInts("strides", 1, 1), Attribute.ofInt("group", channels))
                .node("Abs", List.of("knn.gradients"), List.of("knn.absolute_gradients"))
                .node("Concat", List.of(INPUT, "knn.gradients", "knn.absolute_gradients"), List.of("knn.planes"),
                        Attribute.ofInt("axis", 1));
        return "knn.planes";
    }

    /**
     * Filters below which an upsampling convolution is written as a transposed convolution. ONNX
     * Runtime's blocked (NCHWc) convolutions pad the filters to a block of 8 or 16, so the output
     * layer's one or three filters at full resolution cost as much as 16 (40 us of a 28x28 grey
     * model's 137 us per image at batch 1, one thread); as a {@code ConvTranspose} it takes 6 us.
     * The 16-filter 7x7 -> 14x14 layer takes the same time either way (22 us), so it stays a
     * {@code Resize} and a {@code Conv}.
     */
    static final int TRANSPOSED_FILTERS_BELOW = 8;

    /** Rows (columns) of a 3x3 kernel summed into each row (column) of the equivalent transposed 4x4 kernel. */
    private static final int[][] SUMMED = {{2}, {1, 2}, {0, 1}, {0}};

    /** Appends nodes, naming intermediate values {@code <prefix>.<layer index>}. */
    private static final class Writer {
        private final OnnxGraph graph;
        private final NetworkWeights weights;

        Writer(OnnxGraph graph, NetworkWeights weights) {
            this.graph = graph;
            this.weights = weights;
        }

        /**
         * Writes the layers from {@code input}; the last output is named {@code last}, when given.
         * A nearest-neighbour {@link Layer.Upsample} followed by a {@link Layer.Conv} of fewer than
         * {@link #TRANSPOSED_FILTERS_BELOW} filters (the output layer) is written as one transposed
         * convolution ({@link #upsampledConv}).
         */
        String layers(String prefix, List<Layer> layers, String input, String last) {
            String x = input;
            for (int i = 0; i < layers.size(); i++) {
                boolean pair = layers.get(i) instanceof Layer.Upsample && i + 1 < layers.size()
                        && layers.get(i + 1) instanceof Layer.Conv conv && conv.filters() < TRANSPOSED_FILTERS_BELOW;
                if (pair) {
                    i++;
                }
                String key = prefix + "." + i;
                String out = i == layers.size() - 1 && last != null ? last : key;
                if (pair) {
                    upsampledConv(key, x, out);
                } else {
                    layer(key, layers.get(i), x, out);
                }
                x = out;
            }
            return x;
        }

        /**
         * A 3x3 convolution (zero padding 1) of a nearest-neighbour 2x upsampling, as one
         * {@code ConvTranspose} (kernel 4, stride 2, padding 1) of the small image. Output row
         * {@code 2i} sees the upsampled rows {@code 2i - 1, 2i, 2i + 1}, which are the small image's
         * rows {@code i - 1, i, i}; output row {@code 2i + 1} sees rows {@code i, i, i + 1}; and the
         * upsampled image's zero border is the small image's. A transposed convolution of stride 2
         * and padding 1 gives output row {@code 2i} from small rows {@code i - 1} and {@code i} with
         * its kernel rows 3 and 1, and row {@code 2i + 1} from rows {@code i} and {@code i + 1} with
         * kernel rows 2 and 0; so its 4x4 kernel is the 3x3 one with rows (and columns) summed as
         * {@code [w2, w1 + w2, w0 + w1, w0]}. Same output, 4 instead of 9 multiply-adds per input
         * channel and output pixel, no upsampled copy.
         */
        private void upsampledConv(String key, String x, String out) {
            Tensor w = weights.get(key + ".weight");
            long[] shape = w.shape();
            int filters = (int) shape[0];
            int inputs = (int) shape[1];
            if (shape[2] != 3 || shape[3] != 3) {
                throw new IllegalArgumentException("the upsampling convolution " + key + " must be 3x3, got "
                        + shape[2] + "x" + shape[3]);
            }
            float[] transposed = new float[inputs * filters * 16];
            for (int f = 0; f < filters; f++) {
                for (int c = 0; c < inputs; c++) {
                    for (int row = 0; row < 4; row++) {
                        for (int column = 0; column < 4; column++) {
                            float sum = 0;
                            for (int ky : SUMMED[row]) {
                                for (int kx : SUMMED[column]) {
                                    sum += w.values()[((f * inputs + c) * 3 + ky) * 3 + kx];
                                }
                            }
                            // ConvTranspose weights are [inputs, filters, 4, 4]
                            transposed[((c * filters + f) * 4 + row) * 4 + column] = sum;
                        }
                    }
                }
            }
            graph.initializer(key + ".transposed_weight", transposed, inputs, filters, 4, 4);
            initializer(key + ".bias", weights.get(key + ".bias"));
            graph.node("ConvTranspose", List.of(x, key + ".transposed_weight", key + ".bias"), List.of(out),
                    Attribute.ofInts("kernel_shape", 4, 4), Attribute.ofInts("pads", 1, 1, 1, 1),
                    Attribute.ofInts("strides", 2, 2));
        }

        private void layer(String key, Layer layer, String x, String out) {
            if (layer instanceof Layer.Conv) {
                Tensor w = weights.get(key + ".weight");
                initializer(key + ".weight", w);
                initializer(key + ".bias", weights.get(key + ".bias"));
                graph.node("Conv", List.of(x, key + ".weight", key + ".bias"), List.of(out),
                        Attribute.ofInts("kernel_shape", w.shape()[2], w.shape()[3]),
                        Attribute.ofInts("pads", 1, 1, 1, 1),
                        Attribute.ofInts("strides", 1, 1));
            } else if (layer instanceof Layer.Dense) {
                dense(key, x, out);
            } else if (layer instanceof Layer.Relu) {
                graph.node("Relu", List.of(x), List.of(out));
            } else if (layer instanceof Layer.MaxPool) {
                graph.node("MaxPool", List.of(x), List.of(out),
                        Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2));
            } else if (layer instanceof Layer.Flatten) {
                graph.node("Flatten", List.of(x), List.of(out), Attribute.ofInt("axis", 1));
            } else if (layer instanceof Layer.Reshape r) {
                graph.initializerInt64(key + ".shape", new long[] {-1, r.channels(), r.height(), r.width()}, 4);
                graph.node("Reshape", List.of(x, key + ".shape"), List.of(out));
            } else if (layer instanceof Layer.Upsample) {
                graph.initializer(key + ".scales", new float[] {1f, 1f, 2f, 2f}, 4);
                graph.node("Resize", List.of(x, "", key + ".scales"), List.of(out),
                        Attribute.ofString("mode", "nearest"),
                        Attribute.ofString("coordinate_transformation_mode", "asymmetric"),
                        Attribute.ofString("nearest_mode", "floor"));
            } else if (layer instanceof Layer.Sigmoid) {
                graph.node("Sigmoid", List.of(x), List.of(out));
            } else {
                throw new IllegalArgumentException("no ONNX export for layer " + layer);
            }
        }

        /** {@code Gemm(x, W, b, transB=1)}: DJL keeps a dense weight as {@code [out, in]}. */
        void dense(String key, String x, String out) {
            initializer(key + ".weight", weights.get(key + ".weight"));
            initializer(key + ".bias", weights.get(key + ".bias"));
            graph.node("Gemm", List.of(x, key + ".weight", key + ".bias"), List.of(out), Attribute.ofInt("transB", 1));
        }

        private void initializer(String name, Tensor tensor) {
            graph.initializer(name, tensor.values(), tensor.shape());
        }
    }
}
