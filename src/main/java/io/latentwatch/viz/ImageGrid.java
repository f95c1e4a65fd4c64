package io.latentwatch.viz;

import io.latentwatch.heatmap.ImageShape;

import java.awt.image.BufferedImage;

/** Images tiled in rows under a title, each enlarged with square pixels: the picture of {@code generate}. */
public final class ImageGrid {
    private static final int MARGIN = 12;
    private static final int GAP = 2;

    private ImageGrid() {
    }

    /** Columns of a near-square grid of {@code count} images. */
    public static int columns(int count) {
        return Math.max(1, (int) Math.ceil(Math.sqrt(count)));
    }

    /**
     * Draws {@code count} model-space images held back to back in {@code images}.
     *
     * @param columns images per row
     * @param scale   pixels per image pixel
     */
    public static BufferedImage draw(float[] images, int count, ImageShape shape, int columns, int scale, String title) {
        if (count < 1 || images.length < count * shape.size()) {
            throw new IllegalArgumentException("no " + count + " images of " + shape.size() + " floats in "
                    + images.length);
        }
        int rows = (count + columns - 1) / columns;
        int cellW = shape.width() * scale;
        int cellH = shape.height() * scale;
        int gridW = columns * cellW + (columns - 1) * GAP;
        int titleH = BitmapFont.height(2) + 10;
        int width = Math.max(gridW, BitmapFont.width(title, 2)) + 2 * MARGIN;
        int height = MARGIN + titleH + rows * cellH + (rows - 1) * GAP + MARGIN;
        Canvas canvas = new Canvas(width, height);
        canvas.text(title, MARGIN, MARGIN, 2, Canvas.BLACK);
        int left = (width - gridW) / 2;
        int top = MARGIN + titleH;
        for (int i = 0; i < count; i++) {
            int x = left + (i % columns) * (cellW + GAP);
            int y = top + (i / columns) * (cellH + GAP);
            canvas.image(images, i * shape.size(), shape, x, y, scale);
        }
        return canvas.image();
    }
}
