package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IndexRangeTest {

    @Test
    void isHalfOpen() {
        IndexRange range = new IndexRange(3, 6);
        assertThat(range.size()).isEqualTo(3);
        assertThat(range.isEmpty()).isFalse();
        assertThat(range.contains(2)).isFalse();
        assertThat(range.contains(3)).isTrue();
        assertThat(range.contains(5)).isTrue();
        assertThat(range.contains(6)).isFalse();
        assertThat(range.indexes()).containsExactly(3L, 4L, 5L);
    }

    @Test
    void anEmptyRangeHoldsNothing() {
        IndexRange empty = new IndexRange(7, 7);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.size()).isZero();
        assertThat(empty.contains(7)).isFalse();
    }

    @Test
    void refusesANegativeStartAndAnEndBeforeTheStart() {
        assertThatThrownBy(() -> new IndexRange(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("index range start must not be negative: -1");
        assertThatThrownBy(() -> new IndexRange(5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("index range end 4 is before its start 5");
    }
}
