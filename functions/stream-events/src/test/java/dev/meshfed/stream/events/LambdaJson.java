package dev.meshfed.stream.events;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Record;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Lambda's JSON wire shape for DynamoDB stream events, for tests: reads the committed event
 * fixtures into the events library's types and writes records back.
 *
 * <p>The events library's beans do not match the wire names (Lambda writes {@code Keys},
 * {@code NewImage}, {@code S}, {@code NULL}; the getters say {@code getKeys}, {@code getS},
 * {@code getNULL}) and Lambda writes {@code ApproximateCreationDateTime} in epoch seconds, so
 * the Lambda Java runtime reads events through Jackson mix-ins. These mix-ins do the same, with
 * auto-detection off: only the wire names below exist.
 */
final class LambdaJson {
    static final ObjectMapper MAPPER = mapper();

    private LambdaJson() {
    }

    static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        m.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        m.addMixIn(DynamodbEvent.class, EventMixin.class);
        m.addMixIn(Record.class, RecordMixin.class);
        m.addMixIn(DynamodbEvent.DynamodbStreamRecord.class, StreamRecordWithArnMixin.class);
        m.addMixIn(StreamRecord.class, StreamRecordMixin.class);
        m.addMixIn(AttributeValue.class, AttributeValueMixin.class);
        m.addMixIn(Identity.class, IdentityMixin.class);
        return m;
    }

    static DynamodbEvent read(String json) {
        try {
            return MAPPER.readValue(json, DynamodbEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(DynamodbEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A committed fixture under {@code src/test/resources/events/}, as text. */
    static String fixture(String name) {
        try (InputStream in = LambdaJson.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    abstract static class EventMixin {
        @JsonProperty("Records")
        abstract List<DynamodbEvent.DynamodbStreamRecord> getRecords();

        @JsonProperty("Records")
        abstract void setRecords(List<DynamodbEvent.DynamodbStreamRecord> records);
    }

    abstract static class RecordMixin {
        @JsonProperty("eventID")
        abstract String getEventID();

        @JsonProperty("eventID")
        abstract void setEventID(String v);

        @JsonProperty("eventName")
        abstract String getEventName();

        @JsonProperty("eventName")
        abstract void setEventName(String v);

        @JsonProperty("eventVersion")
        abstract String getEventVersion();

        @JsonProperty("eventVersion")
        abstract void setEventVersion(String v);

        @JsonProperty("eventSource")
        abstract String getEventSource();

        @JsonProperty("eventSource")
        abstract void setEventSource(String v);

        @JsonProperty("awsRegion")
        abstract String getAwsRegion();

        @JsonProperty("awsRegion")
        abstract void setAwsRegion(String v);

        @JsonProperty("dynamodb")
        abstract StreamRecord getDynamodb();

        @JsonProperty("dynamodb")
        abstract void setDynamodb(StreamRecord v);

        @JsonProperty("userIdentity")
        abstract Identity getUserIdentity();

        @JsonProperty("userIdentity")
        abstract void setUserIdentity(Identity v);
    }

    abstract static class StreamRecordWithArnMixin {
        @JsonProperty("eventSourceARN")
        abstract String getEventSourceARN();

        @JsonProperty("eventSourceARN")
        abstract void setEventSourceARN(String v);
    }

    abstract static class StreamRecordMixin {
        @JsonProperty("ApproximateCreationDateTime")
        @JsonSerialize(using = EpochSecondsWriter.class)
        abstract Date getApproximateCreationDateTime();

        @JsonProperty("ApproximateCreationDateTime")
        @JsonDeserialize(using = EpochSecondsReader.class)
        abstract void setApproximateCreationDateTime(Date v);

        @JsonProperty("Keys")
        abstract Map<String, AttributeValue> getKeys();

        @JsonProperty("Keys")
        abstract void setKeys(Map<String, AttributeValue> v);

        @JsonProperty("NewImage")
        abstract Map<String, AttributeValue> getNewImage();

        @JsonProperty("NewImage")
        abstract void setNewImage(Map<String, AttributeValue> v);

        @JsonProperty("OldImage")
        abstract Map<String, AttributeValue> getOldImage();

        @JsonProperty("OldImage")
        abstract void setOldImage(Map<String, AttributeValue> v);

        @JsonProperty("SequenceNumber")
        abstract String getSequenceNumber();

        @JsonProperty("SequenceNumber")
        abstract void setSequenceNumber(String v);

        @JsonProperty("SizeBytes")
        abstract Long getSizeBytes();

        @JsonProperty("SizeBytes")
        abstract void setSizeBytes(Long v);

        @JsonProperty("StreamViewType")
        abstract String getStreamViewType();

        @JsonProperty("StreamViewType")
        abstract void setStreamViewType(StreamViewType v);
    }

    abstract static class AttributeValueMixin {
        @JsonProperty("S")
        abstract String getS();

        @JsonProperty("S")
        abstract void setS(String v);

        @JsonProperty("N")
        abstract String getN();

        @JsonProperty("N")
        abstract void setN(String v);

        @JsonProperty("B")
        abstract ByteBuffer getB();

        @JsonProperty("B")
        abstract void setB(ByteBuffer v);

        @JsonProperty("SS")
        abstract List<String> getSS();

        @JsonProperty("SS")
        abstract void setSS(Collection<String> v);

        @JsonProperty("NS")
        abstract List<String> getNS();

        @JsonProperty("NS")
        abstract void setNS(Collection<String> v);

        @JsonProperty("BS")
        abstract List<ByteBuffer> getBS();

        @JsonProperty("BS")
        abstract void setBS(Collection<ByteBuffer> v);

        @JsonProperty("M")
        abstract Map<String, AttributeValue> getM();

        @JsonProperty("M")
        abstract void setM(Map<String, AttributeValue> v);

        @JsonProperty("L")
        abstract List<AttributeValue> getL();

        @JsonProperty("L")
        abstract void setL(Collection<AttributeValue> v);

        @JsonProperty("NULL")
        abstract Boolean getNULL();

        @JsonProperty("NULL")
        abstract void setNULL(Boolean v);

        @JsonProperty("BOOL")
        abstract Boolean getBOOL();

        @JsonProperty("BOOL")
        abstract void setBOOL(Boolean v);
    }

    abstract static class IdentityMixin {
        @JsonProperty("principalId")
        abstract String getPrincipalId();

        @JsonProperty("principalId")
        abstract void setPrincipalId(String v);

        @JsonProperty("type")
        abstract String getType();

        @JsonProperty("type")
        abstract void setType(String v);
    }

    /** Lambda writes the creation time in epoch seconds (whole seconds for DynamoDB streams). */
    static final class EpochSecondsWriter extends JsonSerializer<Date> {
        @Override
        public void serialize(Date value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            long millis = value.getTime();
            if (millis % 1000 == 0) {
                gen.writeNumber(millis / 1000);
            } else {
                gen.writeNumber(BigDecimal.valueOf(millis, 3));
            }
        }
    }

    /** Reads epoch seconds, whole or fractional. */
    static final class EpochSecondsReader extends JsonDeserializer<Date> {
        private static final BigDecimal MAX_EPOCH_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE / 1000);

        @Override
        public Date deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT && p.currentToken() != JsonToken.VALUE_NUMBER_FLOAT) {
                return (Date) ctxt.handleUnexpectedToken(Date.class, p);
            }
            BigDecimal seconds = p.getDecimalValue();
            // checked before converting: longValue() of 17e80315201 builds a number of 80 million
            // digits (a two-minute hang that StreamRecordFuzzTest found); such a time is no date
            if (seconds.abs().compareTo(MAX_EPOCH_SECONDS) > 0) {
                return (Date) ctxt.handleWeirdNumberValue(Date.class, seconds, "epoch seconds out of range");
            }
            return new Date(seconds.movePointRight(3).longValue());
        }
    }
}
