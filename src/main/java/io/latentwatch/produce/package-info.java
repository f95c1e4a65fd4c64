/**
 * Streaming a data set into the input topic as CloudEvents (binary mode): image sources (IDX
 * sets with normal and anomaly classes mixed at a chosen fraction, or a directory of image
 * files), event encoding, and a paced producer. Used by {@code produce}, {@code demo} and
 * {@code bench}.
 */
package io.latentwatch.produce;
