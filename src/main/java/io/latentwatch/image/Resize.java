package io.latentwatch.image;

/** Resizes one channel plane: box filter when shrinking, bilinear when growing, copy when equal. */
final class Resize {
    private Resize() {
    }

    static void into(float[] src, int srcOffset, int sw, int sh, float[] dst, int dw, int dh) {
        if (sw == dw && sh == dh) {
            System.arraycopy(src, srcOffset, dst, 0, dw * dh);
            return;
        }
        double sx = (double) sw / dw;
        double sy = (double) sh / dh;
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                // Edges are exact quotients, clamped: (x + 1) * sx can land one rounding step past
                // the source edge (28 * (29 / 28.0) = 29.000000000000004) and read past the row.
                dst[y * dw + x] = (sx >= 1 && sy >= 1)
                        ? box(src, srcOffset, sw, edge(x, sw, dw), edge(x + 1, sw, dw),
                                edge(y, sh, dh), edge(y + 1, sh, dh))
                        : bilinear(src, srcOffset, sw, sh, (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5);
            }
        }
    }

    /** Where destination edge {@code i} of {@code dst} falls in a source of {@code src} pixels. */
    private static double edge(int i, int src, int dst) {
        return Math.min(src, (double) i * src / dst);
    }

    /** Area-weighted mean over the source rectangle [x0, x1) x [y0, y1). */
    private static float box(float[] src, int off, int sw, double x0, double x1, double y0, double y1) {
        double sum = 0;
        double area = 0;
        for (int y = (int) y0; y < Math.ceil(y1); y++) {
            double wy = Math.min(y + 1, y1) - Math.max(y, y0);
            for (int x = (int) x0; x < Math.ceil(x1); x++) {
                double w = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
                sum += w * src[off + y * sw + x];
                area += w;
            }
        }
        return (float) (sum / area);
    }

    private static float bilinear(float[] src, int off, int sw, int sh, double fx, double fy) {
        fx = Math.max(0, Math.min(sw - 1, fx));
        fy = Math.max(0, Math.min(sh - 1, fy));
        int x0 = (int) fx;
        int y0 = (int) fy;
        int x1 = Math.min(x0 + 1, sw - 1);
        int y1 = Math.min(y0 + 1, sh - 1);
        double ax = fx - x0;
        double ay = fy - y0;
        double top = src[off + y0 * sw + x0] * (1 - ax) + src[off + y0 * sw + x1] * ax;
        double bottom = src[off + y1 * sw + x0] * (1 - ax) + src[off + y1 * sw + x1] * ax;
        return (float) (top * (1 - ay) + bottom * ay);
    }
}
