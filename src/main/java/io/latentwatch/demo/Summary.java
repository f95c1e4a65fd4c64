package io.latentwatch.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The demo's closing summary. */
final class Summary {
    private Summary() {
    }

    private static void row(PrintStream out, String who, Confusion c) {
        out.printf(Locale.ROOT, "        %-18s %9s  %6s  %4s%n", who, View.fmt(c.precision()), View.fmt(c.recall()),
                View.fmt(c.f1()));
    }

    /**
     * @param secondsBeforeStart seconds between the command's start (launcher, build, JVM) and the demo's
     * @param challenger         what became of the challenger
     */
    static void print(PrintStream out, Scoreboard.Snapshot s, long sent, double seconds, double secondsBeforeStart,
                      String metricsUrl, String challenger) {
        out.printf(Locale.ROOT, "      images scored        %d of %d sent, in %.1f s (%.0f images/s)%n", s.scored(), sent,
                seconds, s.scored() / seconds);
        if (s.secondsToFirstFlag() >= 0) {
            out.printf(Locale.ROOT, "      first anomaly flagged %.1f s after the command started"
                    + " (%.1f s of it building and starting Java)%n",
                    s.secondsToFirstFlag() + secondsBeforeStart, secondsBeforeStart);
        }
        StringBuilder versions = new StringBuilder();
        for (Map.Entry<String, Long> e : s.perVersion().entrySet()) {
            versions.append(versions.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
        }
        out.println("      images per model     " + versions);
        out.println("      confusion matrix     flagged  passed");
        Confusion c = s.calls();
        out.printf(Locale.ROOT, "        anomaly            %6d  %6d%n", c.truePositives(), c.falseNegatives());
        out.printf(Locale.ROOT, "        normal             %6d  %6d%n", c.falsePositives(), c.trueNegatives());
        out.printf(Locale.ROOT, "      precision %s  recall %s  F1 %s  AUROC of the live scores %s%n",
                View.fmt(c.precision()), View.fmt(c.recall()), View.fmt(c.f1()), View.fmt(s.auroc()));
        out.printf(Locale.ROOT, "      latency, event time to committed output: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n",
                s.latencyMs().at(50), s.latencyMs().at(95), s.latencyMs().at(99));
        if (s.latencyAfterStartMs() != null) {
            out.printf(Locale.ROOT, "      after the first %d images: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (a fresh JVM compiles"
                            + " its hot paths during its first seconds)%n", Scoreboard.STARTING_IMAGES,
                    s.latencyAfterStartMs().at(50), s.latencyAfterStartMs().at(95), s.latencyAfterStartMs().at(99));
        }
        out.println("      challenger           " + challenger);
        Scoreboard.Shadow shadow = s.shadow();
        if (shadow != null) {
            out.printf(Locale.ROOT, "      in the shadow        %d images scored by both models, agreement %s;"
                    + " on those images%n", shadow.records(), View.fmt(shadow.agreement()));
            out.println("                           precision  recall  F1");
            row(out, "serving model", shadow.champion());
            row(out, "challenger", shadow.challenger());
        }
        out.println("      (metrics were served at " + metricsUrl + ")");
    }
}
