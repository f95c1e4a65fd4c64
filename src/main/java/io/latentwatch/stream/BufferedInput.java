package io.latentwatch.stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An input record waiting in the batch buffer, with its origin: a punctuator that flushes the
 * buffer has no record context to ask for topic, partition and offset. Stored as bytes in the
 * changelogged buffer store: origin, timestamp, key, value and headers, each length-prefixed.
 *
 * @param record the input as it came, key, value, timestamp and headers
 * @param origin where it came from
 */
record BufferedInput(Record<byte[], byte[]> record, Origin origin) {
    private static final int NULL = -1;

    /** Slot keys made so far, shared: keys are never modified. */
    private static volatile byte[][] slotKeys = new byte[0][];

    /**
     * The store's key for a slot: the slot number, 4 bytes big-endian. Slots are reused as records
     * leave the buffer, so the keys, and what compaction keeps of the changelog, stay as few as a
     * batch. (Buffers written before slots were keyed by input offset, 8 bytes: {@link #slotOf} tells
     * the two apart, so that such a buffer, restored, leaves under its own keys.)
     */
    static byte[] slotKey(int slot) {
        byte[][] keys = slotKeys;
        if (slot < keys.length) {
            return keys[slot];
        }
        byte[][] more = Arrays.copyOf(keys, Math.max(slot + 1, 2 * keys.length));
        for (int i = keys.length; i < more.length; i++) {
            more[i] = ByteBuffer.allocate(Integer.BYTES).putInt(i).array();
        }
        slotKeys = more;
        return more[slot];
    }

    /** The slot of a key made by {@link #slotKey}, or -1 for any other key. */
    static int slotOf(byte[] key) {
        return key.length == Integer.BYTES ? ByteBuffer.wrap(key).getInt() : -1;
    }

    byte[] toBytes() {
        byte[] topic = origin.topic().getBytes(StandardCharsets.UTF_8);
        int size = 4 + topic.length + 4 + 8 + 8 + sized(record.key()) + sized(record.value()) + 4;
        for (Header h : record.headers()) {
            size += 4 + h.key().getBytes(StandardCharsets.UTF_8).length + sized(h.value());
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        put(out, topic);
        out.putInt(origin.partition()).putLong(origin.offset()).putLong(record.timestamp());
        put(out, record.key());
        put(out, record.value());
        Header[] headers = record.headers().toArray();
        out.putInt(headers.length);
        for (Header h : headers) {
            put(out, h.key().getBytes(StandardCharsets.UTF_8));
            put(out, h.value());
        }
        return out.array();
    }

    static BufferedInput fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        String topic = new String(get(in), StandardCharsets.UTF_8);
        int partition = in.getInt();
        long offset = in.getLong();
        long timestamp = in.getLong();
        byte[] key = get(in);
        byte[] value = get(in);
        int count = in.getInt();
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < count; i++) {
            headers.add(new String(get(in), StandardCharsets.UTF_8), get(in));
        }
        return new BufferedInput(new Record<>(key, value, timestamp, headers), new Origin(topic, partition, offset));
    }

    private static int sized(byte[] b) {
        return 4 + (b == null ? 0 : b.length);
    }

    private static void put(ByteBuffer out, byte[] b) {
        if (b == null) {
            out.putInt(NULL);
        } else {
            out.putInt(b.length).put(b);
        }
    }

    private static byte[] get(ByteBuffer in) {
        int length = in.getInt();
        if (length == NULL) {
            return null;
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
