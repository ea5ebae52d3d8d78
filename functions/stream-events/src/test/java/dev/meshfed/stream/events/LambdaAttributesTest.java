package dev.meshfed.stream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.UndecodableItem;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LambdaAttributesTest {
    private static final String KEY = "dc1#bundle#current";

    static Map<String, Attr> everyType() {
        Map<String, Attr> m = new LinkedHashMap<>();
        m.put("s", Attr.s("text ü 😀"));
        m.put("n", new Attr.N("-12.5E+3"));
        m.put("b", Attr.b(new byte[] {0, 1, (byte) 0xff}));
        m.put("t", Attr.bool(true));
        m.put("f", Attr.bool(false));
        m.put("null", new Attr.Null());
        m.put("l", Attr.l(List.of(Attr.s("a"), Attr.n(1), Attr.l(List.of()))));
        m.put("m", Attr.m(Map.of("inner", Attr.m(Map.of("x", Attr.bool(false))))));
        m.put("ss", new Attr.SS(Set.of("b", "a", "c")));
        m.put("ns", new Attr.NS(Set.of("3", "1.5", "-2")));
        return m;
    }

    @Test
    void everyTypeRoundTrips() {
        Map<String, Attr> item = everyType();
        Map<String, AttributeValue> lambda = LambdaAttributes.toLambda(item);

        assertThat(lambda.get("s").getS()).isEqualTo("text ü 😀");
        assertThat(lambda.get("n").getN()).isEqualTo("-12.5E+3");
        assertThat(lambda.get("null").getNULL()).isTrue();
        assertThat(lambda.get("ss").getSS()).containsExactly("a", "b", "c"); // sorted: stable output
        assertThat(LambdaAttributes.fromLambda(lambda, KEY)).isEqualTo(item);
        assertThat(LambdaAttributes.fromLambda(lambda, KEY).keySet()).containsExactlyElementsOf(item.keySet());
    }

    @Test
    void binaryIsCopiedBothWaysAndTheCallersBufferIsLeftAlone() {
        byte[] bytes = {1, 2, 3};
        AttributeValue v = LambdaAttributes.toLambda(Attr.b(bytes));
        bytes[0] = 9;
        assertThat(v.getB().array()[0]).isEqualTo((byte) 1);

        ByteBuffer buf = ByteBuffer.wrap(new byte[] {7, 8, 9, 10}, 1, 2); // position 1, limit 3
        AttributeValue in = new AttributeValue();
        in.setB(buf);
        assertThat(LambdaAttributes.fromLambda(in, KEY)).isEqualTo(Attr.b(new byte[] {8, 9}));
        assertThat(buf.position()).isEqualTo(1);
    }

    @Test
    void emptyValueIsRefusedNamingTheKeyAndAttribute() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("activeRootId", new AttributeValue());
        assertThatThrownBy(() -> LambdaAttributes.fromLambda(item, KEY))
                .isInstanceOf(UndecodableItem.class)
                .hasMessage("undecodable item dc1#bundle#current: attribute 'activeRootId': value with no type")
                .extracting(e -> ((UndecodableItem) e).key()).isEqualTo(KEY);
    }

    @Test
    void valueWithTwoTypesIsRefused() {
        AttributeValue v = new AttributeValue();
        v.setS("x");
        v.setN("1");
        assertRefused(v, "more than one type");
    }

    @Test
    void binarySetsAreRefused() {
        AttributeValue v = new AttributeValue();
        v.setBS(List.of(ByteBuffer.wrap(new byte[] {1})));
        assertRefused(v, "binary sets");
    }

    @Test
    void nullMustBeTrue() {
        AttributeValue v = new AttributeValue();
        v.setNULL(false);
        assertRefused(v, "NULL must be true");
    }

    @Test
    void setsMustBeNonEmptyWithoutNullsOrDuplicates() {
        AttributeValue empty = new AttributeValue();
        empty.setSS(List.of());
        assertRefused(empty, "empty string set");

        AttributeValue dup = new AttributeValue();
        dup.setSS(List.of("a", "a"));
        assertRefused(dup, "duplicate");

        AttributeValue withNull = new AttributeValue();
        withNull.setNS(Arrays.asList("1", null));
        assertRefused(withNull, "null member");

        AttributeValue badNumber = new AttributeValue();
        badNumber.setNS(List.of("1", "NaN"));
        assertRefused(badNumber, "not a DynamoDB number");
    }

    @Test
    void nullListElementsAndNamelessMapEntriesAreRefused() {
        AttributeValue l = new AttributeValue();
        l.setL(Arrays.asList(LambdaAttributes.toLambda(Attr.s("a")), null));
        assertRefused(l, "null value");

        Map<String, AttributeValue> m = new java.util.HashMap<>();
        m.put(null, LambdaAttributes.toLambda(Attr.s("a")));
        AttributeValue withNullName = new AttributeValue();
        withNullName.setM(m);
        assertRefused(withNullName, "map entry with no name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "0x10", "", " 1", "1 ", "1e", "--1", "1,5",
        "1E+126", "1E-131", "12345678901234567890123456789012345678.9", "4E+999999999", "1e-2147483648"})
    void numbersDynamoDbWouldNotStoreAreRefused(String n) {
        AttributeValue v = new AttributeValue();
        v.setN(n);
        assertThatThrownBy(() -> LambdaAttributes.fromLambda(v, KEY))
                .isInstanceOf(UndecodableItem.class)
                .hasMessageContaining("attribute 'value'")
                .hasMessageNotContaining(n.isBlank() ? "\u0000" : n); // a value is never repeated
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "7", "-12.5E+3", "1E+125", "9.9999999999999999999999999999999999999E+125",
        "1E-130", "12345678901234567890123456789012345678", "1000000000000000000000000000000000000000000"})
    void numbersDynamoDbStoresAreRead(String n) {
        AttributeValue v = new AttributeValue();
        v.setN(n);
        assertThat(LambdaAttributes.fromLambda(v, KEY)).isEqualTo(new Attr.N(n));
    }

    @Test
    void overlongNumberTextIsRefusedBeforeParsing() {
        AttributeValue v = new AttributeValue();
        v.setN("1".repeat(1_000_000));
        assertRefused(v, "number text longer than");
    }

    @Test
    void thirtyTwoLevelsAreReadAndThirtyThreeAreNot() {
        assertThat(LambdaAttributes.fromLambda(nestedMaps(32), KEY)).isNotNull();
        assertRefused(nestedMaps(33), "nested deeper than 32 levels");
    }

    @Test
    void hostileDepthIsRefusedWithoutExhaustingTheStack() {
        AttributeValue deep = LambdaAttributes.toLambda(Attr.s("bottom"));
        for (int i = 0; i < 200_000; i++) {
            AttributeValue outer = new AttributeValue();
            outer.setL(List.of(deep));
            deep = outer;
        }
        assertRefused(deep, "nested deeper than 32 levels");
    }

    @Test
    void itemsOverDynamoDbsSizeLimitAreRefusedWithoutRepeatingContent() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", LambdaAttributes.toLambda(Attr.s("dc1#bundle")));
        item.put("sk", LambdaAttributes.toLambda(Attr.s("current")));
        item.put("note", LambdaAttributes.toLambda(Attr.s("secret-looking-" + "z".repeat(LambdaAttributes.MAX_ITEM_BYTES))));
        assertThatThrownBy(() -> LambdaAttributes.fromLambdaItem(item))
                .isInstanceOf(UndecodableItem.class)
                .hasMessage("undecodable item dc1#bundle#current: item larger than DynamoDB's 409600-byte limit");
    }

    @Test
    void manySmallValuesCountTowardsTheLimitToo() {
        List<AttributeValue> many = new ArrayList<>();
        AttributeValue one = LambdaAttributes.toLambda(Attr.bool(true));
        for (int i = 0; i < 250_000; i++) {
            many.add(one);
        }
        AttributeValue list = new AttributeValue();
        list.setL(many);
        assertRefused(list, "larger than");
    }

    @Test
    void anItemJustUnderTheLimitIsRead() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("note", LambdaAttributes.toLambda(Attr.s("y".repeat(LambdaAttributes.MAX_ITEM_BYTES - 4))));
        assertThat(LambdaAttributes.fromLambda(item, KEY)).containsKey("note");
    }

    @Test
    void keyLabelsAreTheItemKeyOrABoundedPrintableRendering() {
        AttributeValue pk = LambdaAttributes.toLambda(Attr.s("dc2#signer"));
        AttributeValue sk = LambdaAttributes.toLambda(Attr.s("current"));
        assertThat(LambdaAttributes.keyLabel(pk, sk)).isEqualTo("dc2#signer#current");
        assertThat(LambdaAttributes.keyLabel(null, null)).isEqualTo("unknown");
        assertThat(LambdaAttributes.keyLabel(LambdaAttributes.toLambda(Attr.n(1)), sk)).isEqualTo("?/current");

        String label = LambdaAttributes.keyLabel(pk, LambdaAttributes.toLambda(Attr.s("q\n\u0000".repeat(5000))));
        assertThat(label).hasSizeLessThan(120).doesNotContain("\n").doesNotContain("\u0000").endsWith("(15000 chars)");
    }

    @Test
    void sizesFollowDynamoDbsRules() {
        assertThat(LambdaAttributes.sizeOf(Attr.s("abc"))).isEqualTo(3);
        assertThat(LambdaAttributes.sizeOf(Attr.s("ü"))).isEqualTo(2);
        assertThat(LambdaAttributes.sizeOf(Attr.s("😀"))).isEqualTo(4);
        assertThat(LambdaAttributes.sizeOf(Attr.n(1234))).isEqualTo(3);
        assertThat(LambdaAttributes.sizeOf(Attr.bool(true))).isEqualTo(1);
        assertThat(LambdaAttributes.sizeOf(Map.of("ab", Attr.s("cd")))).isEqualTo(4);
        assertThat(LambdaAttributes.sizeOf(Attr.l(List.of(Attr.s("a"), Attr.s("b"))))).isEqualTo(3 + 2 + 2);
    }

    private static AttributeValue nestedMaps(int levels) {
        AttributeValue v = LambdaAttributes.toLambda(Attr.s("bottom"));
        for (int i = 1; i < levels; i++) {
            AttributeValue outer = new AttributeValue();
            outer.setM(Map.of("level", v));
            v = outer;
        }
        return v;
    }

    private static void assertRefused(AttributeValue v, String reason) {
        assertThatThrownBy(() -> LambdaAttributes.fromLambda(v, KEY))
                .isInstanceOf(UndecodableItem.class)
                .hasMessageStartingWith("undecodable item " + KEY + ": ")
                .hasMessageContaining(reason);
    }
}
