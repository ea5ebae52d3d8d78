package dev.meshfed.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredItemTest {

    @Test
    void aMalformedKeyIsNamedInTheErrorButBoundedAndWithoutControlCharacters() {
        String hostile = "\n\u0000" + "x".repeat(10_000);
        assertThatThrownBy(() -> StoredItem.fromAttributes(Map.of("pk", Attr.s(hostile), "sk", Attr.s("id"))))
                .isInstanceOfSatisfying(UndecodableItem.class, e -> {
                    assertThat(e.getMessage().length()).isLessThan(300);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u0000");
                });
    }
}
