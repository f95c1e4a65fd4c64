package io.latentwatch.viz;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A scatter plot of 2-D points coloured by class, with axes, ticks and a legend: the latent-space
 * picture of {@code latentwatch latent-map}. Points are drawn in the given order, so a caller that
 * shuffles them keeps one class from hiding another.
 */
public final class ScatterPlot {
    /** Class colours, by label modulo their number (the common ten-colour categorical palette). */
    private static final int[] PALETTE = {0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2,
            0x7F7F7F, 0xBCBD22, 0x17BECF};
    private static final int PLOT = 480;
    private static final int LEFT = 64;
    private static final int TOP = 64;
    private static final int BOTTOM = 48;
    private static final int LEGEND = 200;
    private static final int TICKS = 5;

    private ScatterPlot() {
    }

    /** The colour of class {@code label}. */
    public static int colour(int label) {
        return PALETTE[Math.floorMod(label, PALETTE.length)];
    }

    /**
     * Draws the points.
     *
     * @param points  {@code [n][2]}
     * @param labels  class of each point
     * @param names   legend text of class {@code label}: {@code names.get(label)} when there is one, else the
     *                number
     * @param axes    names of the x and y axes
     */
    public static BufferedImage draw(float[][] points, int[] labels, List<String> names, String title,
                                     String[] axes) {
        if (points.length != labels.length || points.length == 0) {
            throw new IllegalArgumentException("need one label per point and at least one point");
        }
        float[] xr = range(points, 0);
        float[] yr = range(points, 1);
        int width = LEFT + PLOT + LEGEND;
        int height = TOP + PLOT + BOTTOM;
        Canvas canvas = new Canvas(width, height);
        canvas.text(title, 12, 12, 2, Canvas.BLACK);
        canvas.fill(LEFT, TOP, PLOT, PLOT, 0xFAFAFA);
        for (int t = 0; t < TICKS; t++) {
            float f = (float) t / (TICKS - 1);
            int px = LEFT + Math.round(f * (PLOT - 1));
            int py = TOP + PLOT - 1 - Math.round(f * (PLOT - 1));
            canvas.fill(px, TOP, 1, PLOT, Canvas.LIGHT_GREY);
            canvas.fill(LEFT, py, PLOT, 1, Canvas.LIGHT_GREY);
            String xl = tick(xr[0] + f * (xr[1] - xr[0]));
            String yl = tick(yr[0] + f * (yr[1] - yr[0]));
            canvas.fill(px, TOP + PLOT, 1, 4, Canvas.BLACK);
            canvas.centredText(xl, px, TOP + PLOT + 7, 1, Canvas.BLACK);
            canvas.fill(LEFT - 4, py, 4, 1, Canvas.BLACK);
            canvas.text(yl, LEFT - 7 - BitmapFont.width(yl, 1), py - BitmapFont.height(1) / 2, 1, Canvas.BLACK);
        }
        canvas.frame(LEFT, TOP, PLOT, PLOT, Canvas.BLACK);
        canvas.centredText(axes[0], LEFT + PLOT / 2, TOP + PLOT + 24, 2, Canvas.BLACK);
        canvas.text(axes[1], 8, TOP - BitmapFont.height(2) - 6, 2, Canvas.BLACK);
        for (int i = 0; i < points.length; i++) {
            int px = LEFT + Math.round((points[i][0] - xr[0]) / (xr[1] - xr[0]) * (PLOT - 1));
            int py = TOP + PLOT - 1 - Math.round((points[i][1] - yr[0]) / (yr[1] - yr[0]) * (PLOT - 1));
            dot(canvas, px, py, colour(labels[i]));
        }
        SortedSet<Integer> classes = new TreeSet<>();
        for (int label : labels) {
            classes.add(label);
        }
        int y = TOP + 8;
        for (int label : classes) {
            String name = label < names.size() ? label + " " + names.get(label) : Integer.toString(label);
            canvas.fill(LEFT + PLOT + 16, y, 10, 10, colour(label));
            canvas.text(name, LEFT + PLOT + 32, y + 1, 1, Canvas.BLACK);
            y += 18;
        }
        return canvas.image();
    }

    /** A 5x5 dot with its corners cut (a small disc). */
    private static void dot(Canvas canvas, int x, int y, int rgb) {
        canvas.fill(x - 1, y - 2, 3, 5, rgb);
        canvas.fill(x - 2, y - 1, 5, 3, rgb);
    }

    /** The axis range: the points' extent padded by 5% on each side (never empty). */
    private static float[] range(float[][] points, int axis) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] p : points) {
            if (Float.isFinite(p[axis])) {
                min = Math.min(min, p[axis]);
                max = Math.max(max, p[axis]);
            }
        }
        if (!(min <= max)) {
            return new float[] {-1, 1};
        }
        float pad = max > min ? (max - min) * 0.05f : 1f;
        return new float[] {min - pad, max + pad};
    }

    private static String tick(float value) {
        float abs = Math.abs(value);
        String text = String.format(Locale.ROOT, abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f", value);
        // a tiny negative value rounds to "-0.00", which reads as a bug
        return text.matches("-0(\\.0*)?") ? text.substring(1) : text;
    }
}
