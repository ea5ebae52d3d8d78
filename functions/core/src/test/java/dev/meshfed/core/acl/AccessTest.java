package dev.meshfed.core.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTest {

    @ParameterizedTest
    @EnumSource(Access.class)
    void parsesItsOwnWireName(Access access) {
        assertThat(Access.parse(access.wireName())).isEqualTo(access);
    }

    @Test
    void wireNamesAreConsulsWords() {
        assertThat(Access.DENY.wireName()).isEqualTo("deny");
        assertThat(Access.READ.wireName()).isEqualTo("read");
        assertThat(Access.WRITE.wireName()).isEqualTo("write");
    }

    /** "list" is valid only for Consul's key rules, which meshfed does not have; other case is refused (see Access). */
    @ParameterizedTest
    @ValueSource(strings = {"list", "admin", "", " read", "Write", "DENY", "allow"})
    void refusesAnythingElse(String wire) {
        assertThatThrownBy(() -> Access.parse(wire)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> Access.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void denyBeatsWriteBeatsReadAndAnyValueBeatsNone() {
        assertThat(Access.stronger(Access.READ, Access.DENY)).isEqualTo(Access.DENY);
        assertThat(Access.stronger(Access.WRITE, Access.DENY)).isEqualTo(Access.DENY);
        assertThat(Access.stronger(Access.READ, Access.WRITE)).isEqualTo(Access.WRITE);
        assertThat(Access.stronger(Access.WRITE, Access.READ)).isEqualTo(Access.WRITE);
        assertThat(Access.stronger(Optional.empty(), Optional.of(Access.READ))).contains(Access.READ);
        assertThat(Access.stronger(Optional.of(Access.READ), Optional.empty())).contains(Access.READ);
        assertThat(Access.stronger(Optional.<Access>empty(), Optional.empty())).isEmpty();
    }
}
