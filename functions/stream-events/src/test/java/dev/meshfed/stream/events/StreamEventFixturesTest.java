package dev.meshfed.stream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.UndecodableItem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed stream events under {@code src/test/resources/events/}, read as Lambda reads them. */
class StreamEventFixturesTest {

    static DynamodbEvent.DynamodbStreamRecord only(String fixture) {
        DynamodbEvent event = LambdaJson.read(LambdaJson.fixture(fixture));
        assertThat(event.getRecords()).hasSize(1);
        return event.getRecords().get(0);
    }

    @Test
    void insertFixtureDecodes() {
        DynamodbEvent.DynamodbStreamRecord r = only("insert.json");
        assertThat(r.getEventSourceARN()).startsWith("arn:aws:dynamodb:eu-west-1:123456789012:table/meshfed-ca/stream/");
        assertThat(r.getDynamodb().getApproximateCreationDateTime().toInstant()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(r.getDynamodb().getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");

        DecodedChange c = StreamRecords.decode(r);
        assertThat(c.eventName()).isEqualTo(OperationType.INSERT);
        assertThat(c.key()).isEqualTo(new ItemKey("dc2", "csr-request", "join-7f3a"));
        assertThat(c.oldImage()).isNull();
        assertThat(c.sequenceNumber()).isEqualTo("413895800000000009877432681");
        StoredItem item = c.newImage();
        assertThat(item.version()).isEqualTo(1);
        assertThat(item.updatedAt()).isEqualTo(Instant.parse("2026-06-01T11:59:59.412Z"));
        assertThat(item.body().get("reason")).isEqualTo(Attr.s("join"));
        assertThat(item.body().get("signature")).isInstanceOfSatisfying(Attr.B.class, b -> assertThat(b.value()).hasSize(71));
    }

    @Test
    void modifyFixtureDecodesBothImages() {
        DecodedChange c = StreamRecords.decode(only("modify.json"));
        assertThat(c.eventName()).isEqualTo(OperationType.MODIFY);
        assertThat(c.key()).isEqualTo(new ItemKey("dc1", "bundle", "current"));
        assertThat(c.oldImage().version()).isEqualTo(3);
        assertThat(c.newImage().version()).isEqualTo(4);
        Attr.L oldRoots = (Attr.L) c.oldImage().body().get("roots");
        Attr.L newRoots = (Attr.L) c.newImage().body().get("roots");
        assertThat(oldRoots.values()).hasSize(1);
        assertThat(newRoots.values()).hasSize(2);
        Attr.M firstOld = (Attr.M) oldRoots.values().get(0);
        assertThat(firstOld.values().get("rotatedOutAt")).isEqualTo(new Attr.Null());
        assertThat(firstOld.values().get("active")).isEqualTo(Attr.bool(true));
        assertThat(((Attr.M) newRoots.values().get(0)).values().get("active")).isEqualTo(Attr.bool(false));
    }

    @Test
    void removeFixtureDecodesTheOldImageWithItsTtl() {
        DecodedChange c = StreamRecords.decode(only("remove.json"));
        assertThat(c.eventName()).isEqualTo(OperationType.REMOVE);
        assertThat(c.key()).isEqualTo(new ItemKey("dc1", "intention", "default/web/default/db"));
        assertThat(c.newImage()).isNull();
        assertThat(c.oldImage().expiresAt()).isEqualTo(Instant.parse("2026-06-01T08:00:00Z"));
        assertThat(c.oldImage().body().get("tags")).isEqualTo(new Attr.SS(Set.of("team-a", "pci")));
        assertThat(c.oldImage().body().get("ports")).isEqualTo(new Attr.NS(Set.of("443", "8443")));
    }

    @Test
    void ttlRemovalIsAnOrdinaryRemoveWithTheServiceAsIdentity() {
        DynamodbEvent.DynamodbStreamRecord r = only("remove-ttl.json");
        assertThat(r.getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
        assertThat(r.getUserIdentity().getType()).isEqualTo("Service");
        DecodedChange c = StreamRecords.decode(r);
        assertThat(c.eventName()).isEqualTo(OperationType.REMOVE);
        assertThat(c.oldImage()).isEqualTo(StreamRecords.decode(only("remove.json")).oldImage());
    }

    @Test
    void batchFixtureDecodesInStreamOrder() {
        DynamodbEvent event = LambdaJson.read(LambdaJson.fixture("batch.json"));
        List<DecodedChange> changes = event.getRecords().stream().map(StreamRecords::decode).toList();
        assertThat(changes).extracting(c -> c.key().toString())
                .containsExactly("dc2#signer#current", "dc1#csr-result#join-7f3a", "dc2#signer#current");
        assertThat(changes).extracting(DecodedChange::eventName)
                .containsExactly(OperationType.INSERT, OperationType.INSERT, OperationType.MODIFY);
        assertThat(changes.get(2).oldImage()).isEqualTo(changes.get(0).newImage());
        for (int i = 1; i < changes.size(); i++) {
            assertThat(StreamRecords.compareSequenceNumbers(changes.get(i - 1).sequenceNumber(), changes.get(i).sequenceNumber()))
                    .isNegative();
        }
    }

    static Stream<Arguments> hostile() {
        String bundle = "dc1#bundle#current";
        String intention = "dc1#intention#default/web/default/db";
        String csr = "dc2#csr-request#join-7f3a";
        return Stream.of(
                Arguments.of("missing-keys.json", bundle, "record has no Keys"),
                Arguments.of("missing-dynamodb.json", "unknown", "record has no dynamodb part"),
                Arguments.of("keys-disagree.json", bundle, "new image is of another item than Keys"),
                Arguments.of("unknown-event-name.json", bundle, "unknown eventName 'UPSERT'"),
                Arguments.of("key-of-wrong-type.json", "?/current", "Keys pk and sk must be strings"),
                Arguments.of("version-of-wrong-type.json", bundle, "new image: missing or malformed version/updatedAt/ttl"),
                Arguments.of("two-types-in-one-value.json", bundle, "new image: attribute 'activeRootId': value with more than one type"),
                Arguments.of("nan-number.json", bundle, "new image: attribute 'version': not a DynamoDB number"),
                Arguments.of("infinite-number.json", bundle, "old image: attribute 'roots': not a DynamoDB number"),
                Arguments.of("huge-exponent-number.json", bundle, "new image: attribute 'version': number outside DynamoDB's range"),
                Arguments.of("forty-digit-number.json", bundle, "new image: attribute 'version': number with more than 38 significant digits"),
                Arguments.of("huge-key.json", "dc1#bundle/" + "x".repeat(64) + "...(2000 chars)", "Keys do not form an item key"),
                Arguments.of("deep-nesting.json", bundle, "new image: attribute 'nested': nested deeper than 32 levels"),
                Arguments.of("very-deep-nesting.json", bundle, "new image: attribute 'nested': nested deeper than 32 levels"),
                Arguments.of("empty-attribute-value.json", bundle, "new image: attribute 'activeRootId': value with no type"),
                Arguments.of("binary-set.json", intention, "old image: attribute 'tags': binary sets are not used by meshfed"),
                Arguments.of("empty-string-set.json", intention, "old image: attribute 'tags': empty string set"),
                Arguments.of("null-false.json", intention, "old image: attribute 'deleted': NULL must be true"),
                Arguments.of("insert-without-new-image.json", csr, "INSERT record with no new image and no old image"),
                Arguments.of("insert-with-old-image.json", csr, "INSERT record with a new image and an old image"),
                Arguments.of("bad-sequence-number.json", intention, "missing or malformed SequenceNumber"),
                Arguments.of("new-image-only-view.json", bundle,
                        "MODIFY record with a new image and no old image (stream view type NEW_IMAGE; meshfed needs NEW_AND_OLD_IMAGES)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileFixturesAreUndecodableAndNameTheKey(String fixture, String key, String reason) {
        DynamodbEvent.DynamodbStreamRecord r = only("hostile/" + fixture);
        Throwable t = catchThrowable(() -> StreamRecords.decode(r));
        assertThat(t).isInstanceOf(UndecodableItem.class).hasMessage("undecodable item " + key + ": " + reason);
        assertThat(((UndecodableItem) t).key()).isEqualTo(key);
    }

    @Test
    void everyHostileFixtureIsCovered() throws IOException, URISyntaxException {
        Path dir = Path.of(LambdaJson.class.getResource("/events/hostile").toURI());
        Set<String> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).collect(Collectors.toSet());
        }
        Set<String> covered = hostile().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        covered.add("huge-string.template.json");
        assertThat(files).isEqualTo(covered);
    }

    @Test
    void aHugeStringImageIsRefusedAndNotRepeated() {
        String json = LambdaJson.fixture("hostile/huge-string.template.json").replace("@HUGE@", "h".repeat(500_000));
        DynamodbEvent.DynamodbStreamRecord r = LambdaJson.read(json).getRecords().get(0);
        Throwable t = catchThrowable(() -> StreamRecords.decode(r));
        assertThat(t).isInstanceOf(UndecodableItem.class)
                .hasMessage("undecodable item dc1#bundle#current: new image: item larger than DynamoDB's 409600-byte limit");
    }

    @Test
    void aBuiltRecordSurvivesLambdasWireFormat() throws IOException {
        Map<String, Attr> body = new LinkedHashMap<>(LambdaAttributesTest.everyType());
        ItemKey key = new ItemKey("dc2", "signer", "current");
        StoredItem before = new StoredItem(key, 6, Instant.parse("2026-06-01T11:00:00.125Z"), null, body);
        body.put("keyId", Attr.s("k-8a41"));
        StoredItem after = new StoredItem(key, 7, Instant.parse("2026-06-01T12:00:00.5Z"), Instant.parse("2026-07-01T00:00:00Z"), body);
        StreamSource source = StreamSource.of("eu-central-1", "meshfed-ca", Instant.parse("2026-05-30T09:16:47.550Z"));
        List<DynamodbEvent.DynamodbStreamRecord> built = List.of(
                StreamRecords.record(source, "600000000004410257701", null, before, Instant.parse("2026-06-01T11:00:00.125Z")),
                StreamRecords.record(source, "600000000004410257702", before, after, Instant.parse("2026-06-01T12:00:00.5Z")),
                StreamRecords.record(source, "600000000004410257703", after, null, Instant.parse("2026-06-01T12:00:01Z")));

        String json = LambdaJson.write(StreamRecords.event(built));

        // Lambda's shape, not the bean's: capitalised stream fields, epoch seconds, typed values.
        JsonNode tree = LambdaJson.MAPPER.readTree(json);
        JsonNode modify = tree.get("Records").get(1);
        assertThat(modify.get("eventName").asText()).isEqualTo("MODIFY");
        assertThat(modify.get("eventSourceARN").asText()).isEqualTo(source.arn());
        assertThat(modify.get("eventVersion").asText()).isEqualTo("1.1");
        JsonNode d = modify.get("dynamodb");
        assertThat(d.get("ApproximateCreationDateTime").isIntegralNumber()).isTrue();
        assertThat(d.get("ApproximateCreationDateTime").asLong()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z").getEpochSecond());
        assertThat(d.get("Keys").get("pk").get("S").asText()).isEqualTo("dc2#signer");
        assertThat(d.get("NewImage").get("null").get("NULL").asBoolean()).isTrue();
        assertThat(d.get("NewImage").get("b").get("B").asText()).isEqualTo("AAH/");
        assertThat(d.get("NewImage").get("ttl").get("N").asText()).isEqualTo(Long.toString(Instant.parse("2026-07-01T00:00:00Z").getEpochSecond()));
        assertThat(d.get("SequenceNumber").isTextual()).isTrue();
        assertThat(d.get("StreamViewType").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(d.get("SizeBytes").asLong()).isPositive();
        assertThat(tree.get("Records").get(0).get("dynamodb").has("OldImage")).isFalse();

        List<DynamodbEvent.DynamodbStreamRecord> back = LambdaJson.read(json).getRecords();
        assertThat(back).hasSize(3);
        for (int i = 0; i < built.size(); i++) {
            assertThat(StreamRecords.decode(back.get(i))).isEqualTo(StreamRecords.decode(built.get(i)));
            assertThat(back.get(i).getEventID()).isEqualTo(built.get(i).getEventID());
            assertThat(back.get(i).getDynamodb().getApproximateCreationDateTime())
                    .isEqualTo(built.get(i).getDynamodb().getApproximateCreationDateTime());
        }
        assertThat(StreamRecords.decode(back.get(1))).isEqualTo(new DecodedChange(OperationType.MODIFY, key, before, after,
                "600000000004410257702"));
    }
}
