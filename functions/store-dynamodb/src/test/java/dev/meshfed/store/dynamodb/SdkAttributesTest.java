package dev.meshfed.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.UndecodableItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SdkAttributesTest {

    @Test
    void everyTypeMeshfedUsesRoundTrips() {
        Map<String, Attr> all = new LinkedHashMap<>();
        all.put("s", Attr.s("text"));
        all.put("empty", Attr.s(""));
        all.put("n", new Attr.N("-12.5"));
        all.put("b", Attr.b(new byte[] {0, 1, (byte) 0xff}));
        all.put("emptyB", Attr.b(new byte[0]));
        all.put("t", Attr.bool(true));
        all.put("f", Attr.bool(false));
        all.put("null", new Attr.Null());
        Attr mapWithEmptyString = Attr.m(Map.of("x", Attr.s("")));
        all.put("l", Attr.l(List.of(Attr.s("a"), Attr.l(List.of()), mapWithEmptyString)));
        all.put("m", Attr.m(Map.of("nested", Attr.m(Map.of("deep", Attr.n(1))), "empty", Attr.m(Map.of()))));
        all.put("ss", new Attr.SS(Set.of("a", "b")));
        all.put("ns", new Attr.NS(Set.of("1", "2.5")));

        Map<String, AttributeValue> sdk = SdkAttributes.toSdk(all);

        assertThat(SdkAttributes.fromSdk(sdk)).isEqualTo(all);
        assertThat(sdk.keySet()).containsExactlyElementsOf(all.keySet());
    }

    @Test
    void valuesHaveDynamoDbsShapes() {
        assertThat(SdkAttributes.toSdk(Attr.s("x"))).isEqualTo(AttributeValue.fromS("x"));
        assertThat(SdkAttributes.toSdk(Attr.n(7))).isEqualTo(AttributeValue.fromN("7"));
        assertThat(SdkAttributes.toSdk(new Attr.Null())).isEqualTo(AttributeValue.fromNul(true));
        assertThat(SdkAttributes.toSdk(Attr.bool(false))).isEqualTo(AttributeValue.fromBool(false));
        assertThat(SdkAttributes.toSdk(Attr.b(new byte[] {1, 2})))
                .isEqualTo(AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2})));
        assertThat(SdkAttributes.toSdk(Attr.l(List.of(Attr.s("a")))))
                .isEqualTo(AttributeValue.fromL(List.of(AttributeValue.fromS("a"))));
        assertThat(SdkAttributes.toSdk(Attr.m(Map.of("k", Attr.n(1)))))
                .isEqualTo(AttributeValue.fromM(Map.of("k", AttributeValue.fromN("1"))));
        assertThat(SdkAttributes.toSdk(new Attr.SS(Set.of("only")))).isEqualTo(AttributeValue.fromSs(List.of("only")));
        assertThat(SdkAttributes.toSdk(new Attr.NS(Set.of("3")))).isEqualTo(AttributeValue.fromNs(List.of("3")));
    }

    @Test
    void binaryValuesAreCopiedNotShared() {
        byte[] bytes = {1, 2, 3};
        Attr.B attr = Attr.b(bytes);
        AttributeValue sdk = SdkAttributes.toSdk(attr);
        bytes[0] = 9;

        assertThat(sdk.b().asByteArray()).containsExactly(1, 2, 3);
        byte[] back = ((Attr.B) SdkAttributes.fromSdk(sdk)).value();
        back[1] = 9;
        assertThat(sdk.b().asByteArray()).containsExactly(1, 2, 3);
    }

    @Test
    void emptySetsAreRefusedNamingThePathNotTheContent() {
        assertThatThrownBy(() -> SdkAttributes.toSdk(Map.of("tags", new Attr.SS(Set.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attribute tags")
                .hasMessageContaining("empty string set");
        Attr inner = Attr.l(List.of(Attr.s("secret-value"), new Attr.NS(Set.of())));
        Map<String, Attr> nested = Map.of("outer", Attr.m(Map.of("inner", inner)));
        Throwable t = catchThrowable(() -> SdkAttributes.toSdk(nested));
        assertThat(t).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attribute outer.inner[1]")
                .hasMessageContaining("empty number set");
        assertThat(t.getMessage()).doesNotContain("secret-value");
    }

    @Test
    void aBinarySetMakesTheItemUndecodableNamingTheKey() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", AttributeValue.fromS("dc1#widget"));
        item.put("sk", AttributeValue.fromS("a/b#c"));
        item.put("name", AttributeValue.fromS("secret-value"));
        item.put("blobs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("secret-bytes"))));

        Throwable t = catchThrowable(() -> SdkAttributes.fromSdk(item));

        assertThat(t).isInstanceOf(UndecodableItem.class);
        assertThat(((UndecodableItem) t).key()).isEqualTo("dc1#widget#a/b#c");
        assertThat(t.getMessage()).contains("attribute blobs", "type BS").doesNotContain("secret");
    }

    @Test
    void anUnsupportedTypeDeepInsideNamesItsPath() {
        Map<String, AttributeValue> item = Map.of(
                "pk", AttributeValue.fromS("dc1#widget"),
                "sk", AttributeValue.fromS("a"),
                "m", AttributeValue.fromM(Map.of("list", AttributeValue.fromL(List.of(AttributeValue.fromS("ok"),
                        AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"))))))));

        assertThatThrownBy(() -> SdkAttributes.fromSdk(item))
                .isInstanceOf(UndecodableItem.class)
                .hasMessageContaining("attribute m.list[1] has type BS");
    }

    @Test
    void aTypeNewerThanTheSdkOrABadNumberIsUndecodable() {
        // the SDK unmarshals a type it does not know as an empty value of type UNKNOWN_TO_SDK_VERSION
        Map<String, AttributeValue> empty = Map.of("pk", AttributeValue.fromS("dc1#widget"), "sk", AttributeValue.fromS("a"),
                "x", AttributeValue.builder().build());
        assertThatThrownBy(() -> SdkAttributes.fromSdk(empty)).isInstanceOf(UndecodableItem.class)
                .hasMessageContaining("attribute x has type UNKNOWN_TO_SDK_VERSION");

        Map<String, AttributeValue> badNumber = Map.of("pk", AttributeValue.fromS("dc1#widget"), "sk", AttributeValue.fromS("a"),
                "n", AttributeValue.fromN("twelve"));
        assertThatThrownBy(() -> SdkAttributes.fromSdk(badNumber)).isInstanceOf(UndecodableItem.class)
                .hasMessageContaining("attribute n is not a decimal number")
                .hasMessageNotContaining("twelve");
    }

    @Test
    void anItemWithoutAReadableKeyIsNamedByWhatThereIs() {
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("not-a-key"),
                "bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"))));

        Throwable t = catchThrowable(() -> SdkAttributes.fromSdk(item));

        assertThat(((UndecodableItem) t).key()).isEqualTo("not-a-key/null");
    }

    @Test
    void aSingleUnsupportedValueIsAnIllegalArgument() {
        assertThatThrownBy(() -> SdkAttributes.fromSdk(AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type BS");
    }
}
