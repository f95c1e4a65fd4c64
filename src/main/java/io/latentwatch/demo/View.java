package io.latentwatch.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The demo's live line: redrawn in place on a terminal, printed every few seconds otherwise.
 */
final class View {
    private final PrintStream out;
    private final boolean interactive;
    private long lastPrinted;
    private String lastVersion;
    private String lastShadow;

    View(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    void show(Scoreboard.Snapshot s, long sent, long total, long streamStartNanos, String status) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - streamStartNanos) / 1e9);
        if (lastVersion != null && !lastVersion.equals(s.version()) && s.perVersion().containsKey(lastVersion)) {
            clear();
            out.printf(Locale.ROOT, "      model switched live: %s -> %s after %d images%n", lastVersion, s.version(),
                    s.scored() - s.perVersion().getOrDefault(s.version(), 0L));
        }
        lastVersion = s.version();
        Scoreboard.Shadow shadow = s.shadow();
        if (shadow != null && !shadow.version().equals(lastShadow)) {
            clear();
            out.printf(Locale.ROOT, "      challenger %s scored in the shadow from image %d on%n", shadow.version(),
                    shadow.from());
            lastShadow = shadow.version();
        }
        String line = String.format(Locale.ROOT,
                "      scored %d/%d | %.0f img/s | flagged %d | precision %s recall %s | model %s%s%s",
                s.scored(), total, s.scored() / seconds, s.flagged(), fmt(s.calls().precision()), fmt(s.calls().recall()), s.version(),
                shadow != null && shadow.active() ? String.format(Locale.ROOT, " | shadow %s agrees %s,"
                        + " recall %s", shadow.version(), fmt(shadow.agreement()), fmt(shadow.challenger().recall()))
                        : "",
                status.isEmpty() ? "" : " | " + status);
        if (interactive) {
            out.print("\r" + line + "\033[K");
            out.flush();
        } else if (now - lastPrinted > 5_000_000_000L) {
            out.println(line);
            lastPrinted = now;
        }
    }

    void finish() {
        if (interactive) {
            out.println();
        }
    }

    private void clear() {
        if (interactive) {
            out.print("\r\033[K");
        }
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
