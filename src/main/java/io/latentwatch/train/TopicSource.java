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
 */
public record TopicSource(TopicImages images, String topic, int maxRecords, ImagePreprocessor.Shape shape,
                          ModelTopic models, String modelName) implements TrainingSource {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSource.class);

    @Override
    public TrainingData load() {
        TopicImages.Batch batch = images.read(topic, maxRecords, shape);
        Images all = batch.images();
        int leftOut = 0;
        Optional<byte[]> current = models.latest(modelName);
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
        summary.put("images", kept.count());
        return new TrainingData(kept, null, summary, leftOut == 0 ? null : flagged);
    }

    private boolean fits(OnnxAutoencoder model) {
        return model.info().channels() == shape.channels() && model.info().height() == shape.height()
                && model.info().width() == shape.width()
                && model.info().normalization().spec().equals(shape.normalization().spec());
    }
}
