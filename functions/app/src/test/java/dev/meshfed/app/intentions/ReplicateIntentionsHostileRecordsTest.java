package dev.meshfed.app.intentions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.meshfed.app.stream.QuarantiningConsumer;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.stream.events.StreamRecords;
import dev.meshfed.stream.events.StreamSource;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed, hostile and oversized records of the intentions stream, as real
 * {@link DynamodbEvent.DynamodbStreamRecord}s through the {@link QuarantiningConsumer} the stream
 * deployable uses: each is quarantined (or, when it decodes, changes nothing), and no exception
 * ever escapes for poison.
 */
class ReplicateIntentionsHostileRecordsTest {
    private static final StreamSource SOURCE = StreamSource.of("eu-west-1", "meshfed-intentions",
            Instant.parse("2026-06-01T12:00:00Z"));
    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    /** A valid insert record of intention {@code id} at version 1. */
    static DynamodbEvent.DynamodbStreamRecord valid(String id) {
        StoredItem item = new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION, id), 1, T, null,
                IntentionTableCodecs.INTENTION.encode(IntentionItem.live(ReplicationFederation.intention(id, "allow", T))));
        return StreamRecords.record(SOURCE, "100000000000000000001", null, item, T);
    }

    static AttributeValue s(String v) {
        return new AttributeValue().withS(v);
    }

    static Arguments hostile(String name, boolean quarantined, Consumer<DynamodbEvent.DynamodbStreamRecord> change) {
        return Arguments.of(name, quarantined, change);
    }

    static Stream<Arguments> records() {
        return Stream.of(
                hostile("no Keys", true, r -> r.getDynamodb().setKeys(null)),
                hostile("Keys with a numeric pk", true, r -> r.getDynamodb().setKeys(
                        Map.of("pk", new AttributeValue().withN("1"), "sk", s("x")))),
                hostile("Keys with an extra attribute", true, r -> {
                    Map<String, AttributeValue> k = new HashMap<>(r.getDynamodb().getKeys());
                    k.put("evil", s("1"));
                    r.getDynamodb().setKeys(k);
                }),
                hostile("Keys that are not an item key", true, r -> r.getDynamodb().setKeys(
                        Map.of("pk", s("no-hash-here"), "sk", s("x")))),
                hostile("a 100 kB sort key", true, r -> r.getDynamodb().setKeys(
                        Map.of("pk", s("dc1#intention"), "sk", s("k".repeat(100_000))))),
                hostile("an unknown eventName", true, r -> r.setEventName("TRUNCATE")),
                hostile("a MODIFY without an old image", true, r -> r.setEventName("MODIFY")),
                hostile("no dynamodb part", true, r -> r.setDynamodb(null)),
                hostile("a non-decimal sequence number", true, r -> r.getDynamodb().setSequenceNumber("12ab")),
                hostile("a version of the wrong type", true, r -> r.getDynamodb().getNewImage().put("version", s("one"))),
                hostile("an image of another item than Keys", true, r -> r.getDynamodb().getNewImage().put("sk", s("other"))),
                hostile("an attribute with two types at once", true, r -> r.getDynamodb().getNewImage().put("id",
                        new AttributeValue().withS("a").withN("1"))),
                hostile("a map nested 500 deep", true, r -> {
                    AttributeValue v = s("bottom");
                    for (int i = 0; i < 500; i++) {
                        v = new AttributeValue().withM(Map.of("m", v));
                    }
                    r.getDynamodb().getNewImage().put("meta", v);
                }),
                // decodable records whose image is hostile: the image is never trusted, the replica is re-read
                hostile("a 1 MB attribute (over DynamoDB's 400 KB item limit)", true, r -> r.getDynamodb().getNewImage()
                        .put("description", s("d".repeat(1_000_000)))),
                hostile("a 300 kB attribute in a decodable image", false, r -> r.getDynamodb().getNewImage()
                        .put("description", s("d".repeat(300_000)))),
                hostile("an image claiming a huge version", false, r -> r.getDynamodb().getNewImage()
                        .put("version", new AttributeValue().withN("9223372036854775807"))),
                hostile("a REMOVE of an intention", false, r -> {
                    r.setEventName("REMOVE");
                    r.getDynamodb().setOldImage(new LinkedHashMap<>(r.getDynamodb().getNewImage()));
                    r.getDynamodb().setNewImage(null);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void a_hostile_record_is_quarantined_or_harmless_and_nothing_escapes(String name, boolean quarantined,
            Consumer<DynamodbEvent.DynamodbStreamRecord> change) {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        QuarantiningConsumer consumer = fed.consumer("dc2", f);
        PrivateStore p = fed.dc("dc2").privateStore();
        DynamodbEvent.DynamodbStreamRecord r = valid("victim");
        r.getDynamodb().setNewImage(new HashMap<>(r.getDynamodb().getNewImage()));
        change.accept(r);

        assertThatCode(() -> consumer.onRecord(r)).as(name).doesNotThrowAnyException();
        assertThat(p.quarantined()).as(name).hasSize(quarantined ? 1 : 0);
        assertThat(p.view()).as(name + ": the replica holds nothing, so nothing is applied").isEmpty();
        assertThat(f.status().authorityViolations()).as(name).isZero();
        // and the function still works afterwards
        fed.upsert("after", "allow");
        fed.harness.settle();
        StoredItem stored = fed.dc("dc2").table(dev.meshfed.core.store.Table.INTENTIONS)
                .get(new ItemKey("dc1", IntentionStore.INTENTION, "after"), true).orElseThrow();
        assertThatCode(() -> consumer.onRecord(StreamRecords.record(SOURCE, "100000000000000000009", null, stored, T)))
                .doesNotThrowAnyException();
        assertThat(p.viewEntry("after")).as(name).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nulls")
    void no_record_at_all_is_quarantined(String name, DynamodbEvent.DynamodbStreamRecord r) {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        QuarantiningConsumer consumer = fed.consumer("dc2", fed.function("dc2"));
        assertThatCode(() -> consumer.onRecord(r)).doesNotThrowAnyException();
        assertThat(fed.dc("dc2").privateStore().quarantined()).hasSize(1);
    }

    static List<Arguments> nulls() {
        return List.of(Arguments.of("null", null), Arguments.of("empty record", new DynamodbEvent.DynamodbStreamRecord()));
    }
}
