package io.latentwatch.train;

import io.latentwatch.data.Images;
import io.latentwatch.image.ImagePreprocessor;
import io.latentwatch.model.ModelOverrides;
import io.latentwatch.model.ModelRefusedException;
import io.latentwatch.model.OnnxAutoencoder;
import io.latentwatch.modeltopic.ModelTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Recent images from the input topic. Images the current model (the latest under the model name
 * on the models topic) scores at or above its threshold are left out of training, so that
 * anomalies do not teach the next model that they are normal; they are handed on as
 * {@link TrainingData#leftOut()}.
 *
 * @param images     reader of the input topic
 * @param topic      the input topic
 * @param maxRecords most records to read
 * @param shape      model input shape and normalisation
 * @param models     the models topic
 * @param modelName  name of the current model on it
 * @param leaveOut   whether the current model's flags are left out; off for a drift round
 *                   ({@link #trafficAsIs()})
 */
public record TopicSource(TopicImages images, String topic, int maxRecords, ImagePreprocessor.Shape shape,
                          ModelTopic models, String modelName, boolean leaveOut) implements TrainingSource {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSource.class);

    /** A source that leaves out what the current model flags. */
    public TopicSource(TopicImages images, String topic, int maxRecords, ImagePreprocessor.Shape shape,
                       ModelTopic models, String modelName) {
        this(images, topic, maxRecords, shape, models, modelName, true);
    }

    /**
     * The same source taking the traffic as it is: for a round started by drift, where the current
     * model's notion of normal is what drifted, so its flags would leave out the new normal images
     * (contamination-robust training keeps the anomalies out instead).
     */
    public TopicSource trafficAsIs() {
        return new TopicSource(images, topic, maxRecords, shape, models, modelName, false);
    }

    @Override
    public TrainingData load() {
        TopicImages.Batch batch = images.read(topic, maxRecords, shape);
        Images all = batch.images();
        int leftOut = 0;
        Optional<byte[]> current = leaveOut ? models.latest(modelName) : Optional.empty();
        Images kept = all;
        Images flagged = null;
        if (current.isPresent() && all.count() > 0) {
            try (OnnxAutoencoder model = OnnxAutoencoder.load(current.get(), "the current model", ModelOverrides.NONE, 1)) {
                if (fits(model)) {
                    float[] scores = BatchScorer.scores(model, all);
                    double threshold = model.info().threshold();
                    kept = all.select(IntStream.range(0, scores.length).filter(i -> scores[i] < threshold).toArray());
                    flagged = all.select(IntStream.range(0, scores.length).filter(i -> scores[i] >= threshold)
                            .toArray());
                    leftOut = flagged.count();
                } else {
                    LOG.warn("the current model {} takes other input than this training run; no image is left out",
                            model.info().version());
                }
            } catch (ModelRefusedException e) {
                LOG.warn("cannot load the current model to leave out anomalies: {}", e.getMessage());
            }
        }
        if (kept.count() == 0) {
            throw new IllegalStateException("no usable image among the " + batch.records() + " newest records of topic '"
                    + topic + "' (" + batch.rejected() + " undecodable, " + leftOut
                    + " scored as anomalies); produce images first or raise --max-records");
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("source", "topic");
        summary.put("topic", topic);
        summary.put("records", batch.records());
        summary.put("rejected", batch.rejected());
        summary.put("left_out_as_anomalies", leftOut);
        if (!leaveOut) {
            summary.put("left_out_by_current_model", false);
        }
        summary.put("images", kept.count());
        return new TrainingData(kept, null, summary, leftOut == 0 ? null : flagged);
    }

    private boolean fits(OnnxAutoencoder model) {
        return model.info().channels() == shape.channels() && model.info().height() == shape.height()
                && model.info().width() == shape.width()
                && model.info().normalization().spec().equals(shape.normalization().spec());
    }
}
