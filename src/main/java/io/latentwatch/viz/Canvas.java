package io.latentwatch.viz;

import io.latentwatch.heatmap.ColorScale;
import io.latentwatch.heatmap.ImageShape;

import java.awt.image.BufferedImage;
import java.util.Locale;

/** An RGB picture drawn pixel by pixel: filled rectangles, scaled images, heatmaps, text. */
final class Canvas {
    static final int WHITE = 0xFFFFFF;
    static final int BLACK = 0x000000;
    static final int GREY = 0x808080;
    static final int LIGHT_GREY = 0xDDDDDD;
    private final BufferedImage image;

    Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        fill(0, 0, width, height, WHITE);
    }

    BufferedImage image() {
        return image;
    }

    int width() {
        return image.getWidth();
    }

    int height() {
        return image.getHeight();
    }

    void fill(int x, int y, int w, int h, int rgb) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width(), x + w);
        int y1 = Math.min(height(), y + h);
        for (int py = y0; py < y1; py++) {
            for (int px = x0; px < x1; px++) {
                image.setRGB(px, py, rgb);
            }
        }
    }

    /** A one-pixel outline just outside the rectangle. */
    void frame(int x, int y, int w, int h, int rgb) {
        fill(x - 1, y - 1, w + 2, 1, rgb);
        fill(x - 1, y + h, w + 2, 1, rgb);
        fill(x - 1, y - 1, 1, h + 2, rgb);
        fill(x + w, y - 1, 1, h + 2, rgb);
    }

    /** Draws the model-input image at {@code offset} of {@code pixels}, each pixel a {@code scale x scale} block. */
    void image(float[] pixels, int offset, ImageShape shape, int x, int y, int scale) {
        for (int py = 0; py < shape.height(); py++) {
            for (int px = 0; px < shape.width(); px++) {
                fill(x + px * scale, y + py * scale, scale, scale, shape.rgb(pixels, offset, py, px));
            }
        }
    }

    /** Draws an error map on the {@link ColorScale}, each pixel a {@code scale x scale} block. */
    void heatmap(float[] errors, int height, int width, int x, int y, int scale) {
        for (int py = 0; py < height; py++) {
            for (int px = 0; px < width; px++) {
                fill(x + px * scale, y + py * scale, scale, scale, ColorScale.rgbOf(errors[py * width + px]));
            }
        }
    }

    void text(String text, int x, int y, int scale, int rgb) {
        BitmapFont.draw(image, text, x, y, scale, rgb);
    }

    void centredText(String text, int centreX, int y, int scale, int rgb) {
        text(text, centreX - BitmapFont.width(text, scale) / 2, y, scale, rgb);
    }

    /**
     * A horizontal bar of the {@link ColorScale} with ticks at the errors 0, 1/16, 1/4, 9/16 and 1
     * (the ramp's anchors) and a caption below.
     *
     * @return the y just below what was drawn
     */
    int colourBar(int x, int y, int width, int height) {
        for (int px = 0; px < width; px++) {
            int index = Math.round((float) px / Math.max(1, width - 1) * (ColorScale.SIZE - 1));
            fill(x + px, y, 1, height, ColorScale.rgb(index));
        }
        frame(x, y, width, height, GREY);
        int tickY = y + height + 3;
        for (int q = 0; q <= 4; q++) {
            int index = q * (ColorScale.SIZE - 1) / 4;
            int px = x + Math.round((float) q / 4 * (width - 1));
            fill(px, y + height, 1, 3, BLACK);
            String label = q == 0 ? "0" : q == 4 ? "1" : String.format(Locale.ROOT, "%.2f", ColorScale.errorAt(index));
            int left = Math.max(x - 4, Math.min(px - BitmapFont.width(label, 1) / 2, x + width - BitmapFont.width(label, 1)));
            text(label, left, tickY + 1, 1, BLACK);
        }
        int captionY = tickY + BitmapFont.height(1) + 5;
        centredText("abs error per pixel, fraction of the pixel range (sqrt scale)", x + width / 2, captionY, 1, BLACK);
        return captionY + BitmapFont.height(1);
    }
}
