package io.latentwatch.stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;

import java.util.HashMap;
import java.util.Map;

/**
 * Kafka's own clients for the detector's Streams instance, with one change: under exactly-once, a
 * detector with a stable {@code --instance-id} gives each stream thread's producer a transactional
 * id made of that instance id, {@code <application.id>-<instance-id>-<thread>}, where Kafka
 * Streams would use a process id it draws at random at every start.
 *
 * <p>Why: a detector killed with {@code kill -9} leaves its open transaction behind, and that
 * transaction holds back the last stable offset of every output partition it wrote to, so
 * {@code read_committed} consumers see no new output there until the broker aborts it on timeout
 * ({@code transaction.timeout.ms}, 10 s under Streams' exactly-once, found at the broker's next
 * check, up to 10 s later). A restarted detector with the same transactional id fences the dead
 * one's producer when it starts, which aborts that transaction at once.
 */
final class StableTransactionalIds implements KafkaClientSupplier {
    private final KafkaClientSupplier kafka = new DefaultKafkaClientSupplier();
    private final String applicationId;
    private final String instanceId;

    /**
     * @param applicationId the Streams application id
     * @param instanceId    the detector's {@code --instance-id}; null keeps Streams' own ids
     */
    StableTransactionalIds(String applicationId, String instanceId) {
        this.applicationId = applicationId;
        this.instanceId = instanceId;
    }

    /**
     * The transactional id for the producer Streams names {@code transactionalId}: Streams'
     * {@code <application.id>-<process id>-<thread index>} with the instance id in place of the
     * process id; any other form (a future Kafka's) is left as it is.
     */
    static String stable(String transactionalId, String applicationId, String instanceId) {
        String prefix = applicationId + "-";
        int lastDash = transactionalId.lastIndexOf('-');
        if (instanceId == null || !transactionalId.startsWith(prefix) || lastDash < prefix.length()
                || lastDash == transactionalId.length() - 1
                || !transactionalId.substring(lastDash + 1).chars().allMatch(Character::isDigit)) {
            return transactionalId;
        }
        return prefix + instanceId + transactionalId.substring(lastDash);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Object id = config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        if (id == null || instanceId == null) {
            return kafka.getProducer(config);
        }
        Map<String, Object> stable = new HashMap<>(config);
        stable.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, stable(id.toString(), applicationId, instanceId));
        return kafka.getProducer(stable);
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return kafka.getAdmin(config);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return kafka.getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return kafka.getRestoreConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return kafka.getGlobalConsumer(config);
    }
}
