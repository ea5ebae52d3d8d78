package dev.meshfed.stream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.UndecodableItem;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class StreamRecordsTest {
    static final StreamSource SOURCE = StreamSource.of("eu-west-1", "meshfed-ca", Instant.parse("2026-05-30T09:14:03.117Z"));
    static final ItemKey KEY = new ItemKey("dc1", "bundle", "current");
    static final Instant AT = Instant.parse("2026-06-01T12:00:00.750Z");

    static StoredItem item(ItemKey key, long version, String activeRoot) {
        Map<String, Attr> body = new LinkedHashMap<>();
        body.put("activeRootId", Attr.s(activeRoot));
        body.put("roots", Attr.l(List.of(Attr.m(Map.of("id", Attr.s(activeRoot), "active", Attr.bool(true))))));
        body.put("signature", Attr.b(new byte[] {1, 2, 3}));
        return new StoredItem(key, version, Instant.parse("2026-06-01T12:00:00.118Z"), null, body);
    }

    static DynamodbEvent.DynamodbStreamRecord modify() {
        return StreamRecords.record(SOURCE, "100000000000000000007", item(KEY, 3, "a"), item(KEY, 4, "b"), AT);
    }

    @Test
    void sourceArnHasTheShapeOfARealStreamArn() {
        assertThat(SOURCE.arn()).isEqualTo("arn:aws:dynamodb:eu-west-1:000000000000:table/meshfed-ca/stream/2026-05-30T09:14:03.117");
        assertThatThrownBy(() -> new StreamSource("eu-west-1", "t", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamSource("eu-west-1", "meshfed-ca", "a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modifyRecordHasEveryFieldDynamoDbWrites() {
        DynamodbEvent.DynamodbStreamRecord r = modify();
        assertThat(r.getEventName()).isEqualTo("MODIFY");
        assertThat(r.getEventVersion()).isEqualTo("1.1");
        assertThat(r.getEventSource()).isEqualTo("aws:dynamodb");
        assertThat(r.getAwsRegion()).isEqualTo("eu-west-1");
        assertThat(r.getEventSourceARN())
                .matches("arn:aws:dynamodb:eu-west-1:000000000000:table/meshfed-ca/stream/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
        assertThat(r.getEventID()).matches("[0-9a-f]{32}");
        StreamRecord d = r.getDynamodb();
        assertThat(d.getKeys()).containsOnlyKeys("pk", "sk");
        assertThat(d.getKeys().get("pk").getS()).isEqualTo("dc1#bundle");
        assertThat(d.getKeys().get("sk").getS()).isEqualTo("current");
        assertThat(d.getNewImage()).containsKeys("pk", "sk", "version", "updatedAt", "activeRootId", "roots", "signature");
        assertThat(d.getNewImage().get("version").getN()).isEqualTo("4");
        assertThat(d.getOldImage().get("version").getN()).isEqualTo("3");
        assertThat(d.getSequenceNumber()).isEqualTo("100000000000000000007");
        assertThat(d.getSizeBytes()).isPositive();
        assertThat(d.getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
        // DynamoDB rounds the creation time down to the second
        assertThat(d.getApproximateCreationDateTime().toInstant()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z"));
    }

    @Test
    void insertHasNoOldImageAndRemoveNoNewImage() {
        DynamodbEvent.DynamodbStreamRecord insert = StreamRecords.record(SOURCE, "1", null, item(KEY, 1, "a"), AT);
        assertThat(insert.getEventName()).isEqualTo("INSERT");
        assertThat(insert.getDynamodb().getOldImage()).isNull();
        DynamodbEvent.DynamodbStreamRecord remove = StreamRecords.record(SOURCE, "2", item(KEY, 1, "a"), null, AT);
        assertThat(remove.getEventName()).isEqualTo("REMOVE");
        assertThat(remove.getDynamodb().getNewImage()).isNull();
    }

    @Test
    void eventIdsAreStablePerRecordAndDistinctAcrossRecords() {
        assertThat(StreamRecords.eventId(SOURCE, "5")).isEqualTo(StreamRecords.eventId(SOURCE, "5"));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(StreamRecords.eventId(SOURCE, Integer.toString(i)));
        }
        assertThat(ids).hasSize(10_000);
        StreamSource other = new StreamSource("eu-central-1", "meshfed-ca", SOURCE.streamLabel());
        assertThat(StreamRecords.eventId(other, "5")).isNotEqualTo(StreamRecords.eventId(SOURCE, "5"));
    }

    @Test
    void buildingRefusesWhatDynamoDbCouldNotWrite() {
        assertThatThrownBy(() -> StreamRecords.record(SOURCE, "1", null, null, AT))
                .isInstanceOf(IllegalArgumentException.class);
        ItemKey other = new ItemKey("dc1", "bundle", "other");
        assertThatThrownBy(() -> StreamRecords.record(SOURCE, "1", item(KEY, 1, "a"), item(other, 2, "a"), AT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamRecords.record(SOURCE, "12a", null, item(KEY, 1, "a"), AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sequenceNumbersCompareNumerically() {
        assertThat(StreamRecords.compareSequenceNumbers("9", "10")).isNegative();
        assertThat(StreamRecords.compareSequenceNumbers("100000000000000000000002", "100000000000000000000002")).isZero();
        assertThat(StreamRecords.isSequenceNumber("1".repeat(41))).isFalse();
        assertThatThrownBy(() -> StreamRecords.compareSequenceNumbers("1", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodeReturnsTheChangeThatWasBuilt() {
        StoredItem before = item(KEY, 3, "a");
        StoredItem after = item(KEY, 4, "b");
        DecodedChange c = StreamRecords.decode(StreamRecords.record(SOURCE, "77", before, after, AT));
        assertThat(c).isEqualTo(new DecodedChange(OperationType.MODIFY, KEY, before, after, "77"));

        DecodedChange insert = StreamRecords.decode(StreamRecords.record(SOURCE, "78", null, after, AT));
        assertThat(insert.eventName()).isEqualTo(OperationType.INSERT);
        assertThat(insert.oldImage()).isNull();
        assertThat(insert.newImage()).isEqualTo(after);

        DecodedChange remove = StreamRecords.decode(StreamRecords.record(SOURCE, "79", after, null, AT));
        assertThat(remove.eventName()).isEqualTo(OperationType.REMOVE);
        assertThat(remove.newImage()).isNull();
    }

    @Test
    void itemsWithTtlDecodeWithTheirExpiry() {
        StoredItem tombstone = new StoredItem(new ItemKey("dc1", "intention", "default/web/default/db"), 12,
                Instant.parse("2026-05-25T08:00:00Z"), Instant.parse("2026-06-01T08:00:00Z"), Map.of("deleted", Attr.bool(true)));
        assertThat(StreamRecords.decode(StreamRecords.record(SOURCE, "1", tombstone, null, AT)).oldImage()).isEqualTo(tombstone);
    }

    @Test
    void aRecordWithoutItsDynamodbPartIsUndecodable() {
        assertUndecodable(r -> r.setDynamodb(null), "unknown", "no dynamodb part");
        assertThatThrownBy(() -> StreamRecords.decode(null)).isInstanceOf(UndecodableItem.class);
    }

    @Test
    void missingKeysAreUndecodableButTheImageStillNamesTheItem() {
        assertUndecodable(r -> r.getDynamodb().setKeys(null), "dc1#bundle#current", "no Keys");
        assertUndecodable(r -> r.getDynamodb().setKeys(Map.of()), "dc1#bundle#current", "no Keys");
    }

    @Test
    void keysThatDisagreeWithAnImageAreUndecodable() {
        assertUndecodable(r -> r.getDynamodb().getNewImage().put("sk", s("other")), "dc1#bundle#current", "new image is of another item");
        assertUndecodable(r -> r.getDynamodb().getOldImage().put("pk", s("dc2#bundle")), "dc1#bundle#current", "old image is of another item");
    }

    @Test
    void malformedKeysAreUndecodable() {
        assertUndecodable(r -> r.getDynamodb().getKeys().put("extra", s("x")), "dc1#bundle#current", "exactly pk and sk");
        assertUndecodable(r -> r.getDynamodb().getKeys().put("pk", n("1")), "?/current", "must be strings");
        assertUndecodable(r -> r.getDynamodb().getKeys().put("pk", s("no-hash")), "no-hash/current", "do not form an item key");
        assertUndecodable(r -> r.getDynamodb().getKeys().put("pk", new AttributeValue()), "?/current", "value with no type");
    }

    @Test
    void unknownEventNamesAreUndecodable() {
        assertUndecodable(r -> r.setEventName("UPSERT"), "dc1#bundle#current", "unknown eventName 'UPSERT'");
        assertUndecodable(r -> r.setEventName((String) null), "dc1#bundle#current", "unknown eventName (none)");
        assertUndecodable(r -> r.setEventName("insert"), "dc1#bundle#current", "unknown eventName");
    }

    @Test
    void imagesMustMatchTheEventName() {
        assertUndecodable(r -> r.setEventName("INSERT"), "dc1#bundle#current", "INSERT record with a new image and an old image");
        assertUndecodable(r -> r.setEventName("REMOVE"), "dc1#bundle#current", "REMOVE record with a new image");
        assertUndecodable(r -> r.getDynamodb().setOldImage(null), "dc1#bundle#current", "MODIFY record with a new image and no old image");
    }

    @Test
    void aStreamWithTheWrongViewTypeSaysSo() {
        assertUndecodable(r -> {
            r.getDynamodb().setOldImage(null);
            r.getDynamodb().setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_IMAGE);
        }, "dc1#bundle#current", "stream view type NEW_IMAGE; meshfed needs NEW_AND_OLD_IMAGES");
    }

    @Test
    void badSequenceNumbersAreUndecodable() {
        assertUndecodable(r -> r.getDynamodb().setSequenceNumber(null), "dc1#bundle#current", "SequenceNumber");
        assertUndecodable(r -> r.getDynamodb().setSequenceNumber("-1"), "dc1#bundle#current", "SequenceNumber");
    }

    @Test
    void imagesThatAreNotStoredItemsAreUndecodable() {
        assertUndecodable(r -> r.getDynamodb().getNewImage().remove("version"), "dc1#bundle#current",
                "new image: missing or malformed version/updatedAt/ttl");
        assertUndecodable(r -> r.getDynamodb().getNewImage().put("version", n("0")), "dc1#bundle#current", "version must be positive");
        assertUndecodable(r -> r.getDynamodb().getNewImage().put("version", n("99999999999999999999")), "dc1#bundle#current",
                "malformed version");
        assertUndecodable(r -> r.getDynamodb().getOldImage().put("updatedAt", s("yesterday")), "dc1#bundle#current",
                "old image: missing or malformed");
        assertUndecodable(r -> r.getDynamodb().getNewImage().put("roots", new AttributeValue()), "dc1#bundle#current",
                "attribute 'roots': value with no type");
    }

    @Test
    void anHugeMalformedImageKeyIsNotRepeated() {
        String huge = "k".repeat(100_000);
        UndecodableItem e = assertUndecodable(r -> {
            r.getDynamodb().getNewImage().put("sk", s(huge));
        }, "dc1#bundle#current", "new image");
        assertThat(e.getMessage()).hasSizeLessThan(300);
    }

    @Test
    void decodingNeverThrowsAnythingButUndecodableItem() {
        // A seeded fuzz: mutate a valid record at random places with hostile values.
        Random random = new Random(20260601L);
        int decoded = 0;
        int refused = 0;
        for (int round = 0; round < 5_000; round++) {
            DynamodbEvent.DynamodbStreamRecord r = modify();
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(r, random);
            }
            Throwable t = catchThrowable(() -> StreamRecords.decode(r));
            if (t == null) {
                decoded++;
            } else {
                assertThat(t).isInstanceOf(UndecodableItem.class);
                // bounded: a valid key's text (at most 63 + 1 + 36 + 1 + 512 characters) plus a short reason
                assertThat(t.getMessage()).hasSizeLessThan(613 + 300);
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(1000);
        assertThat(decoded).isGreaterThan(0);
    }

    private static void mutate(DynamodbEvent.DynamodbStreamRecord r, Random random) {
        StreamRecord d = r.getDynamodb();
        List<Map<String, AttributeValue>> maps = new ArrayList<>();
        if (d != null) {
            for (Map<String, AttributeValue> m : new ArrayList<>(java.util.Arrays.asList(d.getKeys(), d.getNewImage(), d.getOldImage()))) {
                if (m != null) {
                    maps.add(m);
                }
            }
        }
        switch (random.nextInt(12)) {
            case 0 -> r.setEventName(List.of("INSERT", "MODIFY", "REMOVE", "", "remove", "\u0000").get(random.nextInt(6)));
            case 1 -> {
                if (d != null) {
                    d.setSequenceNumber(List.of("", "x", "1".repeat(50), "42", "-3").get(random.nextInt(5)));
                }
            }
            case 2 -> {
                if (d != null) {
                    d.setNewImage(random.nextBoolean() ? null : new LinkedHashMap<>());
                }
            }
            case 3 -> {
                if (d != null) {
                    d.setOldImage(null);
                }
            }
            case 4 -> {
                if (d != null) {
                    d.setKeys(random.nextBoolean() ? null : new LinkedHashMap<>(Map.of("pk", s("dc1#bundle"))));
                }
            }
            case 5 -> r.setDynamodb(random.nextInt(10) == 0 ? null : d);
            default -> {
                if (!maps.isEmpty()) {
                    Map<String, AttributeValue> target = maps.get(random.nextInt(maps.size()));
                    List<String> names = new ArrayList<>(target.keySet());
                    names.add("extra");
                    String name = names.get(random.nextInt(names.size()));
                    target.put(name, hostileValue(random));
                }
            }
        }
    }

    private static AttributeValue hostileValue(Random random) {
        AttributeValue v = new AttributeValue();
        switch (random.nextInt(14)) {
            case 0 -> {
            }
            case 1 -> v.setN(List.of("NaN", "1e999", "", "0x1", "7", "-0.0").get(random.nextInt(6)));
            case 2 -> v.setS(random.nextBoolean() ? "" : "x".repeat(random.nextInt(2000)));
            case 3 -> {
                v.setS("a");
                v.setBOOL(true);
            }
            case 4 -> v.setNULL(random.nextBoolean());
            case 5 -> v.setSS(random.nextBoolean() ? List.of() : java.util.Arrays.asList("a", null));
            case 6 -> v.setNS(List.of("1", "1"));
            case 7 -> v.setBS(List.of(ByteBuffer.wrap(new byte[1])));
            case 8 -> v.setL(java.util.Arrays.asList((AttributeValue) null));
            case 9 -> {
                AttributeValue deep = s("x");
                for (int i = 0; i < 40 + random.nextInt(100); i++) {
                    AttributeValue outer = new AttributeValue();
                    outer.setM(Map.of("d", deep));
                    deep = outer;
                }
                return deep;
            }
            case 10 -> v.setB(ByteBuffer.allocate(0));
            case 11 -> v.setM(new LinkedHashMap<>());
            case 12 -> v.setN("4");
            default -> v.setS("dc1#bundle");
        }
        return v;
    }

    private static UndecodableItem assertUndecodable(Consumer<DynamodbEvent.DynamodbStreamRecord> damage, String key, String reason) {
        DynamodbEvent.DynamodbStreamRecord r = modify();
        damage.accept(r);
        Throwable t = catchThrowable(() -> StreamRecords.decode(r));
        assertThat(t).isInstanceOf(UndecodableItem.class).hasMessageContaining(reason);
        UndecodableItem e = (UndecodableItem) t;
        assertThat(e.key()).isEqualTo(key);
        return e;
    }

    static AttributeValue s(String v) {
        AttributeValue a = new AttributeValue();
        a.setS(v);
        return a;
    }

    static AttributeValue n(String v) {
        AttributeValue a = new AttributeValue();
        a.setN(v);
        return a;
    }
}
