package io.latentwatch.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the detector's routine log lines out of the demo's live view. */
final class Logs {
    private Logs() {
    }

    /** Raises latentwatch's log level to WARN, unless LATENTWATCH_LOG_LEVEL asks for another. */
    static void quietUnlessAsked() {
        String asked = System.getenv("LATENTWATCH_LOG_LEVEL");
        if ((asked == null || asked.isBlank())
                && LoggerFactory.getLogger("io.latentwatch") instanceof Logger logger) {
            logger.setLevel(Level.WARN);
        }
    }
}
