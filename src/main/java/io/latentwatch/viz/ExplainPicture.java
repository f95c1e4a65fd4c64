package io.latentwatch.viz;

import io.latentwatch.heatmap.ColorScale;
import io.latentwatch.heatmap.ImageShape;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * The picture of {@code latentwatch explain}: the input as the model sees it (after resizing and
 * normalisation, shown with the normalisation undone), its reconstruction and the heatmap of the
 * per-pixel error on the fixed {@link ColorScale}, side by side and enlarged with square pixels,
 * under a title line and above the colour bar.
 */
public final class ExplainPicture {
    private static final int MARGIN = 16;
    private static final int GAP = 16;
    private static final int TITLE_SCALE = 2;
    private static final int PANEL_TARGET = 224;
    private static final int BAR_HEIGHT = 14;

    private ExplainPicture() {
    }

    /** Pixels per input pixel in the panels: panels about {@value #PANEL_TARGET} pixels on their long side. */
    public static int scale(ImageShape shape) {
        return Math.max(1, Math.round((float) PANEL_TARGET / Math.max(shape.height(), shape.width())));
    }

    /** Where panel {@code index} (0 input, 1 reconstruction, 2 heatmap) lies in the picture. */
    public static Rectangle panel(ImageShape shape, int index) {
        int scale = scale(shape);
        int w = shape.width() * scale;
        int h = shape.height() * scale;
        int top = MARGIN + 2 * BitmapFont.height(TITLE_SCALE) + 16;
        return new Rectangle(MARGIN + index * (w + GAP), top, w, h);
    }

    /** Draws the picture of one explained image. */
    public static BufferedImage draw(Explanation e) {
        ImageShape shape = e.shape();
        int scale = scale(shape);
        Rectangle last = panel(shape, 2);
        int width = last.x + last.width + MARGIN;
        int barTop = last.y + last.height + 18;
        int height = barTop + BAR_HEIGHT + 3 + 2 * BitmapFont.height(1) + 10 + MARGIN;
        Canvas canvas = new Canvas(width, height);
        canvas.text(e.title(), MARGIN, MARGIN, TITLE_SCALE, e.anomaly() ? 0xB00020 : Canvas.BLACK);
        String[] captions = {"input", "reconstruction", "error"};
        for (int i = 0; i < 3; i++) {
            Rectangle p = panel(shape, i);
            canvas.centredText(captions[i], p.x + p.width / 2, p.y - BitmapFont.height(TITLE_SCALE) - 6, TITLE_SCALE,
                    Canvas.BLACK);
            canvas.frame(p.x, p.y, p.width, p.height, Canvas.GREY);
        }
        Rectangle in = panel(shape, 0);
        Rectangle out = panel(shape, 1);
        Rectangle heat = panel(shape, 2);
        canvas.image(e.input(), 0, shape, in.x, in.y, scale);
        canvas.image(e.reconstruction(), 0, shape, out.x, out.y, scale);
        canvas.heatmap(e.errors(), shape.height(), shape.width(), heat.x, heat.y, scale);
        canvas.colourBar(MARGIN, barTop, width - 2 * MARGIN, BAR_HEIGHT);
        return canvas.image();
    }
}
