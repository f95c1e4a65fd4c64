/**
 * The fault suite: detectors as separate JVM processes on a broker process of their own (or an
 * external broker), a keyed input stream, and faults injected while they work (kill -9, SIGTERM,
 * broker stop and start, live model swaps); every input is then accounted for through a
 * read_committed consumer (lost, duplicated, misrouted) and the recovery time of each fault is
 * measured. Run by {@code latentwatch fault-suite}, {@code scripts/fault-suite.sh} and the
 * integration test {@code FaultSuiteIT}.
 */
package io.latentwatch.faults;
