package dev.meshfed.stream.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemCodec;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.core.store.codec.CaTableCodecs;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.core.store.codec.PrivateTableCodecs;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes what every stream function runs on a record before it acts: {@link StreamRecords#decode},
 * then the item codec of the record's table on each image (what {@code QuarantiningConsumer}
 * hands the function). A record is a poison record when it cannot be decoded, and the consumer
 * quarantines it only for {@link UndecodableItem} (decode, codecs) or {@link InvalidInput}
 * (codecs); any other exception would be retried forever and block the records behind it, so
 * it is a finding. So is a StackOverflowError or an OutOfMemoryError.
 *
 * <p>Input: a Lambda DynamoDB stream event as JSON, read with the Lambda runtime's wire names
 * ({@link LambdaJson}). Text the JSON reader refuses never reaches meshfed (Lambda refuses it),
 * so it ends the run early. Every codec is tried on every image: a hostile record can put any
 * body under any key. Seeds: the committed stream event fixtures, hostile ones included.
 */
class StreamRecordFuzzTest {
    private static final List<ItemCodec<?>> CODECS = codecs(CaTableCodecs.class, IntentionTableCodecs.class,
            PrivateTableCodecs.class);

    @FuzzTest(maxDuration = "15s")
    void recordDecodesOrIsQuarantinable(byte[] input) {
        DynamodbEvent event;
        try {
            event = LambdaJson.MAPPER.readValue(new String(input, StandardCharsets.UTF_8), DynamodbEvent.class);
        } catch (java.io.IOException | RuntimeException e) {
            return; // not an event Lambda would deliver
        }
        if (event == null || event.getRecords() == null) {
            return;
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            DecodedChange change;
            try {
                change = StreamRecords.decode(record);
            } catch (UndecodableItem e) {
                assertThat(e.key()).isNotNull();
                assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(2048);
                continue;
            }
            assertThat(change.key()).isNotNull();
            for (StoredItem image : new StoredItem[] {change.oldImage(), change.newImage()}) {
                if (image != null) {
                    decodeWithEveryCodec(image);
                }
            }
        }
    }

    private static void decodeWithEveryCodec(StoredItem image) {
        Map<String, Attr> body = image.body();
        for (ItemCodec<?> codec : CODECS) {
            try {
                codec.decode(image.key(), body);
            } catch (UndecodableItem | InvalidInput e) {
                // quarantined by the consumer: fine
            }
        }
    }

    private static List<ItemCodec<?>> codecs(Class<?>... holders) {
        List<ItemCodec<?>> out = new ArrayList<>();
        for (Class<?> h : holders) {
            for (Field f : h.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ItemCodec.class.isAssignableFrom(f.getType())) {
                    try {
                        out.add((ItemCodec<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        assertThat(out).hasSizeGreaterThan(15);
        return out;
    }
}
