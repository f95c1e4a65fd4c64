package io.latentwatch.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an ONNX model from Java: float32 inputs and outputs, float and int64 initializers, nodes
 * of any operator, and {@code metadata_props}. DJL has no ONNX exporter, so the trainer writes its
 * graph through this class; tests use it to build small models with known outputs.
 *
 * <p>A dimension of {@link #DYNAMIC} is written as the symbolic batch dimension {@code N}.
 */
public final class OnnxGraph {
    /** Marks a dimension as symbolic (the batch dimension). */
    public static final long DYNAMIC = -1;
    /** The opset the graphs are written for; ONNX Runtime 1.23 supports it fully. */
    public static final int OPSET = 17;
    private static final long IR_VERSION = 8;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int nodeCount;

    private OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Starts an empty graph. */
    public static OnnxGraph named(String name) {
        return new OnnxGraph(name);
    }

    /** Declares a float32 graph input. */
    public OnnxGraph input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
        return this;
    }

    /** Declares a float32 graph output. */
    public OnnxGraph output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
        return this;
    }

    /** Adds a float32 constant tensor, row-major. */
    public OnnxGraph initializer(String name, float[] values, long... dims) {
        requireSize(name, values.length, dims);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        graph.addInitializer(tensor(name, OnnxMl.TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(raw.array())));
        return this;
    }

    /** Adds an int64 constant tensor (shapes, axes). */
    public OnnxGraph initializerInt64(String name, long[] values, long... dims) {
        requireSize(name, values.length, dims);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        graph.addInitializer(tensor(name, OnnxMl.TensorProto.DataType.INT64, dims).setRawData(ByteString.copyFrom(raw.array())));
        return this;
    }

    /** Adds a node; an empty input name stands for an omitted optional input. */
    public OnnxGraph node(String opType, List<String> inputs, List<String> outputs, Attribute... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder()
                .setOpType(opType)
                .setName(opType.toLowerCase() + "_" + nodeCount++)
                .addAllInput(inputs)
                .addAllOutput(outputs);
        for (Attribute attribute : attributes) {
            node.addAttribute(attribute.toProto());
        }
        graph.addNode(node);
        return this;
    }

    /** Adds one {@code metadata_props} entry. */
    public OnnxGraph metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds {@code metadata_props} entries. */
    public OnnxGraph metadata(Map<String, String> entries) {
        metadata.putAll(entries);
        return this;
    }

    /** Serialises the model. */
    public byte[] toBytes() {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("latentwatch")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((key, value) ->
                model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build().toByteArray();
    }

    private static OnnxMl.TensorProto.Builder tensor(String name, OnnxMl.TensorProto.DataType type, long[] dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long[] dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long dim : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (dim == DYNAMIC) {
                d.setDimParam("N");
            } else {
                d.setDimValue(dim);
            }
            shape.addDim(d);
        }
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static void requireSize(String name, int length, long[] dims) {
        long expected = 1;
        for (long dim : dims) {
            expected *= dim;
        }
        if (expected != length) {
            throw new IllegalArgumentException(
                    "initializer " + name + " has " + length + " values but its shape holds " + expected);
        }
    }

    /** A node attribute: an int, a list of ints, a float or a string. */
    public static final class Attribute {
        private final OnnxMl.AttributeProto proto;

        private Attribute(OnnxMl.AttributeProto proto) {
            this.proto = proto;
        }

        public static Attribute ofInt(String name, long value) {
            return new Attribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build());
        }

        public static Attribute ofInts(String name, long... values) {
            List<Long> list = new ArrayList<>(values.length);
            for (long value : values) {
                list.add(value);
            }
            return new Attribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(list).build());
        }

        public static Attribute ofFloat(String name, float value) {
            return new Attribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value).build());
        }

        public static Attribute ofString(String name, String value) {
            return new Attribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(value)).build());
        }

        OnnxMl.AttributeProto toProto() {
            return proto;
        }
    }
}
