package io.latentwatch.viz;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A 5x7 pixel font of capitals, digits and common punctuation, drawn pixel by pixel. The pictures
 * carry their labels with it instead of the platform's fonts: a headless JRE in a container may
 * have none, and text then renders the same everywhere. Lower case is drawn as upper case; a
 * character without a glyph is drawn as {@code ?}.
 */
final class BitmapFont {
    /** Glyph width in font pixels. */
    static final int WIDTH = 5;
    /** Glyph height in font pixels. */
    static final int HEIGHT = 7;
    /** Horizontal advance per character in font pixels (glyph plus one column of space). */
    static final int ADVANCE = WIDTH + 1;
    private static final Map<Character, boolean[]> GLYPHS = new HashMap<>();

    static {
        glyph(' ', "..... ..... ..... ..... ..... ..... .....");
        glyph('A', ".###. #...# #...# ##### #...# #...# #...#");
        glyph('B', "####. #...# #...# ####. #...# #...# ####.");
        glyph('C', ".###. #...# #.... #.... #.... #...# .###.");
        glyph('D', "####. #...# #...# #...# #...# #...# ####.");
        glyph('E', "##### #.... #.... ####. #.... #.... #####");
        glyph('F', "##### #.... #.... ####. #.... #.... #....");
        glyph('G', ".###. #...# #.... #.### #...# #...# .####");
        glyph('H', "#...# #...# #...# ##### #...# #...# #...#");
        glyph('I', ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.");
        glyph('J', "..### ...#. ...#. ...#. ...#. #..#. .##..");
        glyph('K', "#...# #..#. #.#.. ##... #.#.. #..#. #...#");
        glyph('L', "#.... #.... #.... #.... #.... #.... #####");
        glyph('M', "#...# ##.## #.#.# #.#.# #...# #...# #...#");
        glyph('N', "#...# #...# ##..# #.#.# #..## #...# #...#");
        glyph('O', ".###. #...# #...# #...# #...# #...# .###.");
        glyph('P', "####. #...# #...# ####. #.... #.... #....");
        glyph('Q', ".###. #...# #...# #...# #.#.# #..#. .##.#");
        glyph('R', "####. #...# #...# ####. #.#.. #..#. #...#");
        glyph('S', ".#### #.... #.... .###. ....# ....# ####.");
        glyph('T', "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..");
        glyph('U', "#...# #...# #...# #...# #...# #...# .###.");
        glyph('V', "#...# #...# #...# #...# #...# .#.#. ..#..");
        glyph('W', "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.");
        glyph('X', "#...# #...# .#.#. ..#.. .#.#. #...# #...#");
        glyph('Y', "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..");
        glyph('Z', "##### ....# ...#. ..#.. .#... #.... #####");
        glyph('0', ".###. #...# #..## #.#.# ##..# #...# .###.");
        glyph('1', "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.");
        glyph('2', ".###. #...# ....# ...#. ..#.. .#... #####");
        glyph('3', "##### ...#. ..#.. ...#. ....# #...# .###.");
        glyph('4', "...#. ..##. .#.#. #..#. ##### ...#. ...#.");
        glyph('5', "##### #.... ####. ....# ....# #...# .###.");
        glyph('6', "..##. .#... #.... ####. #...# #...# .###.");
        glyph('7', "##### ....# ...#. ..#.. .#... .#... .#...");
        glyph('8', ".###. #...# #...# .###. #...# #...# .###.");
        glyph('9', ".###. #...# #...# .#### ....# ...#. .##..");
        glyph('.', "..... ..... ..... ..... ..... .##.. .##..");
        glyph(',', "..... ..... ..... ..... .##.. ..#.. .#...");
        glyph(':', "..... .##.. .##.. ..... .##.. .##.. .....");
        glyph('-', "..... ..... ..... ##### ..... ..... .....");
        glyph('+', "..... ..#.. ..#.. ##### ..#.. ..#.. .....");
        glyph('(', "...#. ..#.. .#... .#... .#... ..#.. ...#.");
        glyph(')', ".#... ..#.. ...#. ...#. ...#. ..#.. .#...");
        glyph('/', "..... ....# ...#. ..#.. .#... #.... .....");
        glyph('%', "##... ##..# ...#. ..#.. .#... #..## ...##");
        glyph('=', "..... ..... ##### ..... ##### ..... .....");
        glyph('_', "..... ..... ..... ..... ..... ..... #####");
        glyph('\'', "..#.. ..#.. .#... ..... ..... ..... .....");
        glyph('|', "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..");
        glyph('<', "...#. ..#.. .#... #.... .#... ..#.. ...#.");
        glyph('>', ".#... ..#.. ...#. ....# ...#. ..#.. .#...");
        glyph('~', "..... ..... .#... #.#.# ...#. ..... .....");
        glyph('?', ".###. #...# ....# ...#. ..#.. ..... ..#..");
    }

    private BitmapFont() {
    }

    private static void glyph(char c, String rows) {
        String bits = rows.replace(" ", "");
        boolean[] on = new boolean[WIDTH * HEIGHT];
        for (int i = 0; i < on.length; i++) {
            on[i] = bits.charAt(i) == '#';
        }
        GLYPHS.put(c, on);
    }

    /** Width in image pixels of {@code text} drawn at {@code scale}. */
    static int width(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
    }

    /** Height in image pixels of one line drawn at {@code scale}. */
    static int height(int scale) {
        return HEIGHT * scale;
    }

    /** Draws {@code text} with its top-left corner at {@code (x, y)}; pixels outside the image are skipped. */
    static void draw(BufferedImage image, String text, int x, int y, int scale, int rgb) {
        String upper = text.toUpperCase(Locale.ROOT);
        for (int i = 0; i < upper.length(); i++) {
            boolean[] glyph = GLYPHS.getOrDefault(upper.charAt(i), GLYPHS.get('?'));
            int gx = x + i * ADVANCE * scale;
            for (int row = 0; row < HEIGHT; row++) {
                for (int col = 0; col < WIDTH; col++) {
                    if (glyph[row * WIDTH + col]) {
                        fill(image, gx + col * scale, y + row * scale, scale, rgb);
                    }
                }
            }
        }
    }

    private static void fill(BufferedImage image, int x, int y, int size, int rgb) {
        for (int dy = 0; dy < size; dy++) {
            for (int dx = 0; dx < size; dx++) {
                int px = x + dx;
                int py = y + dy;
                if (px >= 0 && py >= 0 && px < image.getWidth() && py < image.getHeight()) {
                    image.setRGB(px, py, rgb);
                }
            }
        }
    }
}
