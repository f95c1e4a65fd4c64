package io.latentwatch.image;

import java.io.EOFException;
import java.io.IOException;

import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@code ImageInputStream} over a byte array. ImageIO's own in-memory streams register every
 * instance with a global, synchronised disposer, which costs more than decoding a small image.
 */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {
    /**
     * Reads at the end of the data answered before the stream gives up with an exception. A bit
     * reader fetches a few bytes ahead of what it decodes, so a whole image may be read past its
     * end a little; the WebP decoder, though, takes each read past the end as a zero byte and goes
     * on, and a damaged file of 482 bytes could make it build thousands of code tables out of those
     * zeros.
     */
    static final int MAX_READS_AT_END = 1024;
    private final byte[] data;
    private int readsAtEnd;

    ByteArrayImageInputStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() throws IIOException {
        bitOffset = 0;
        if (streamPos < data.length) {
            return data[(int) streamPos++] & 0xFF;
        }
        atEnd();
        return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IIOException {
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        int available = (int) Math.max(0, data.length - streamPos);
        if (available == 0) {
            atEnd();
            return -1;
        }
        int n = Math.min(len, available);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    /**
     * One byte, or {@link EndOfData} past the end. Some decoders (the WebP one's bit reader) read on
     * past the end of a damaged image and catch the exception for every byte: the JDK's
     * {@code EOFException}, built with its stack trace each time, made a 482-byte file take seconds.
     */
    @Override
    public byte readByte() throws IOException {
        int b = read();
        if (b < 0) {
            throw new EndOfData();
        }
        return (byte) b;
    }

    @Override
    public int readUnsignedByte() throws IOException {
        int b = read();
        if (b < 0) {
            throw new EndOfData();
        }
        return b;
    }

    @Override
    public long length() {
        return data.length;
    }

    private void atEnd() throws IIOException {
        if (++readsAtEnd > MAX_READS_AT_END) {
            throw new IIOException("the decoder kept reading past the end of the " + data.length
                    + " bytes of image data (damaged or truncated)");
        }
    }

    /** The end of the image data, without the cost of a stack trace. */
    static final class EndOfData extends EOFException {
        private static final long serialVersionUID = 1L;

        EndOfData() {
            super("unexpected end of the image data");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
