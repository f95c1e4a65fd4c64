package io.latentwatch.stream;

import io.latentwatch.config.Topics;
import io.latentwatch.metrics.DetectorMetrics;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.ModelRegistry;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

import java.util.Properties;
import java.util.function.Function;

/**
 * A detector topology on TopologyTestDriver, serving the test model "v1" (black is normal, white
 * scores 1, threshold 0.5), with its input and output topics and its meters.
 */
final class TopologyRig implements AutoCloseable {
    final Topics topics = Topics.DEFAULTS;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DetectorMetrics metrics = new DetectorMetrics(meters);
    final ModelRegistry models = new ModelRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> images;
    final TestOutputTopic<byte[], byte[]> anomalies;
    final TestOutputTopic<byte[], byte[]> embeddings;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    /** @param topology builds the topology from the rig's topics, model registry and metrics */
    TopologyRig(String applicationId, Function<TopologyRig, Topology> topology) throws ModelRefusedException {
        models.onSwap(metrics::modelSwapped);
        metrics.challenger().follow(models.challenger());
        models.swap(load("v1"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology.apply(this), props);
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        images = driver.createInputTopic(topics.input(), ser, ser);
        anomalies = driver.createOutputTopic(topics.anomalies(), de, de);
        embeddings = driver.createOutputTopic(topics.embeddings(), de, de);
        deadLetters = driver.createOutputTopic(topics.deadLetter(), de, de);
    }

    /** The test model under the given version. */
    static OnnxAutoencoder load(String version) throws ModelRefusedException {
        return OnnxAutoencoder.load(TestModels.blackIsNormal(version, 0.5), version, ModelOverrides.NONE, 1);
    }

    @Override
    public void close() {
        driver.close();
        models.close();
    }
}
