/**
 * Labelled and unlabelled image sets from disk: IDX files (MNIST, Fashion-MNIST) and directories
 * of PNG/JPEG images, as normalised model input.
 */
package io.latentwatch.data;
