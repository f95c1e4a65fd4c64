package io.latentwatch.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks that topics exist and creates the missing ones, with messages a user can act on. */
public final class TopicAdmin {
    /** Largest model artifact the models topic takes. */
    public static final int MODEL_TOPIC_MAX_BYTES = 64 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private final Map<String, Object> clientProps;
    private final Duration timeout;

    /**
     * @param clientProps admin client properties (bootstrap servers, security)
     * @param timeout     how long to wait for the cluster before giving up with a clear error
     */
    public TopicAdmin(Map<String, Object> clientProps, Duration timeout) {
        this.clientProps = clientProps;
        this.timeout = timeout;
    }

    /**
     * Makes sure the topics exist.
     *
     * @param compacted  names among {@code topics} to create log-compacted (the models topic)
     * @param create     create missing topics; when false a missing topic is an error that names it
     */
    public void ensure(Collection<String> topics, Set<String> compacted, boolean create, int partitions,
                       short replicationFactor) {
        ensure(topics, compacted, create, partitions, replicationFactor, 0);
    }

    /**
     * Makes sure the topics exist; the ones it creates take records of up to {@code maxMessageBytes}.
     *
     * @param maxMessageBytes {@code max.message.bytes} of created topics that are not compacted; 0
     *                        leaves the broker's default
     */
    public void ensure(Collection<String> topics, Set<String> compacted, boolean create, int partitions,
                       short replicationFactor, int maxMessageBytes) {
        KafkaConnection.check(clientProps, timeout);
        Map<String, Object> props = adminProps();
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (existing.contains(topic)) {
                    continue;
                }
                if (!create) {
                    throw new IllegalStateException("topic '" + topic + "' does not exist on "
                            + clientProps.get("bootstrap.servers") + "; create it, or run with --create-topics");
                }
                boolean compact = compacted.contains(topic);
                NewTopic newTopic = new NewTopic(topic, Optional.of(compact ? 1 : partitions),
                        Optional.of(replicationFactor));
                if (compact) {
                    newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MODEL_TOPIC_MAX_BYTES)));
                } else if (maxMessageBytes > 0) {
                    newTopic.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)));
                }
                missing.add(newTopic);
            }
            if (missing.isEmpty()) {
                return;
            }
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created topic {} ({} partitions{})", topic.name(), topic.numPartitions(),
                            topic.configs() == null ? "" : ", " + topic.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + clientProps.get("bootstrap.servers")
                    + " within " + timeout.toSeconds() + " s; check --bootstrap-servers and that the broker is up", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka at " + clientProps.get("bootstrap.servers")
                    + " refused the topic set-up: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up topics", e);
        }
    }

    /**
     * Waits until every partition of topics created a moment ago has a leader that serves it. A
     * client that sends to a partition its leader does not serve yet gets a retriable error
     * (NOT_LEADER_OR_FOLLOWER), and an idempotent producer whose first batch is retried that way
     * can be refused for ever (out-of-order sequence) although its later batches were written.
     * The metadata names a leader a moment before that broker serves the partition, so the wait
     * ends with a request the leader itself must answer: the partitions' end offsets.
     */
    private void awaitLeaders(Admin admin, List<String> created)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Collection<TopicDescription> described = admin.describeTopics(created).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).values();
                if (described.stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.leader() != null)) {
                    awaitServed(admin, described);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + created + " have no leader yet");
            }
            Thread.sleep(50);
        }
    }

    /** Asks each partition's leader for its end offset; the admin client retries until the leader answers. */
    private void awaitServed(Admin admin, Collection<TopicDescription> described)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
        described.forEach(d -> d.partitions().forEach(p -> ends.put(new TopicPartition(d.name(), p.partition()),
                OffsetSpec.latest())));
        admin.listOffsets(ends).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Gives {@code follower}, when it exists, as many partitions as {@code leader} has, if it has
     * fewer: for a changelog topic of Kafka Streams, which must have as many partitions as its
     * input and which Streams refuses to use otherwise ("has invalid partitions") once partitions
     * were added to the input. A changelog partition belongs to one task, whatever its keys, so the
     * added partitions start empty for the added tasks and nothing moves.
     *
     * @return true when partitions were added
     */
    public boolean growToMatch(String follower, String leader) {
        try (Admin admin = Admin.create(adminProps())) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!existing.contains(follower) || !existing.contains(leader)) {
                return false;
            }
            Map<String, TopicDescription> described = admin.describeTopics(List.of(follower, leader)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int have = described.get(follower).partitions().size();
            int want = described.get(leader).partitions().size();
            if (have >= want) {
                return false;
            }
            admin.createPartitions(Map.of(follower, NewPartitions.increaseTo(want)))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("topic {} has {} partitions now, as many as {} (had {}: partitions were added to {})", follower,
                    want, leader, have, leader);
            return true;
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + clientProps.get("bootstrap.servers")
                    + " within " + timeout.toSeconds() + " s while checking the partitions of " + follower, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not give topic " + follower + " as many partitions as " + leader
                    + ": " + e.getCause().getMessage() + " (it needs the ALTER permission on the topics prefixed with"
                    + " the application id)", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the partitions of " + follower, e);
        }
    }

    /**
     * Deletes the topics and consumer groups whose names start with {@code prefix}, such as the
     * ones a benchmark run made on a user's broker (its topics, the detector's internal topics
     * and group, the measuring consumers' groups). Groups still in use cannot be deleted: call it
     * once their members are closed.
     *
     * @return the topics and groups deleted
     * @throws IllegalStateException when Kafka does not answer or refuses (e.g. no DELETE permission)
     */
    public List<String> deleteByPrefix(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("an empty prefix would delete every topic");
        }
        try (Admin admin = Admin.create(adminProps())) {
            List<String> topics = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(t -> t.startsWith(prefix)).sorted().toList();
            List<String> groups = admin.listGroups().all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .map(GroupListing::groupId).filter(g -> g.startsWith(prefix)).sorted().toList();
            // topics first: a group that still has members (a detector process killed, not stopped) cannot
            // be deleted until its session times out, and must not keep the topics from going
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            List<String> deleted = new ArrayList<>(topics);
            deleted.addAll(groups);
            return deleted;
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + clientProps.get("bootstrap.servers")
                    + " within " + timeout.toSeconds() + " s while deleting the topics and groups starting with "
                    + prefix, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not delete the topics and groups starting with " + prefix + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting the topics starting with " + prefix, e);
        }
    }

    /** The client properties, with calls that give up when this admin's timeout passes. */
    private Map<String, Object> adminProps() {
        Map<String, Object> props = new java.util.HashMap<>(clientProps);
        // Pending calls must give up when we do, or closing the client waits for them.
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return props;
    }

    /** Each topic's effective {@code max.message.bytes}: its own setting, or the broker's default. */
    public Map<String, Integer> maxMessageBytes(Collection<String> topics) {
        List<ConfigResource> resources = topics.stream().distinct()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(adminProps())) {
            while (true) {
                try {
                    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    Map<String, Integer> limits = new java.util.LinkedHashMap<>();
                    for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
                        ConfigEntry entry = e.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                        if (entry != null && entry.value() != null) {
                            limits.put(e.getKey().name(), Integer.parseInt(entry.value()));
                        }
                    }
                    return limits;
                } catch (ExecutionException e) {
                    // a topic created a moment ago may not be known to the broker that answers yet
                    if (e.getCause() instanceof UnknownTopicOrPartitionException && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                        continue;
                    }
                    // no right to describe configs (ACLs): fall back on the broker default, and say so
                    LOG.warn("cannot read max.message.bytes of {} ({}); assuming the broker default of 1 MiB",
                            topics, e.getCause().toString());
                    return Map.of();
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + clientProps.get("bootstrap.servers")
                    + " within " + timeout.toSeconds() + " s while reading topic limits", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading topic limits", e);
        }
    }
}
