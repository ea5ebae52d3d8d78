package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrRangeAndDnsSuffixesTest {

    private static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    @Test
    void anIpv4RangeHoldsExactlyTheAddressesUnderItsPrefix() {
        CidrRange r = CidrRange.parse("10.1.0.0/16");
        assertThat(r.isIpv4()).isTrue();
        assertThat(r.prefixLength()).isEqualTo(16);
        assertThat(r.contains(v4(10, 1, 0, 0))).isTrue();
        assertThat(r.contains(v4(10, 1, 255, 255))).isTrue();
        assertThat(r.contains(v4(10, 2, 0, 0))).isFalse();
        assertThat(r.contains(v4(10, 0, 255, 255))).isFalse();
        assertThat(r.toString()).isEqualTo("10.1.0.0/16");
    }

    @Test
    void anIpv6RangeNeverHoldsAnIpv4AddressAndTheReverse() {
        CidrRange v6 = CidrRange.parse("::/0");
        assertThat(v6.contains(v4(10, 0, 0, 1))).isFalse();
        assertThat(v6.contains(new byte[16])).isTrue();
        assertThat(CidrRange.parse("0.0.0.0/0").contains(new byte[16])).isFalse();
    }

    @Test
    void aPrefixThatIsNotAByteBoundaryMasksBits() {
        CidrRange r = CidrRange.parse("192.168.4.0/22");
        assertThat(r.contains(v4(192, 168, 7, 255))).isTrue();
        assertThat(r.contains(v4(192, 168, 8, 0))).isFalse();
        byte[] inside = new byte[16];
        inside[0] = (byte) 0xfd;
        inside[15] = 1;
        assertThat(CidrRange.parse("fd00::/8").contains(inside)).isTrue();
        assertThat(CidrRange.parse("fc00::/7").contains(inside)).isTrue();
    }

    @Test
    void equalRangesWrittenDifferentlyAreEqual() {
        assertThat(CidrRange.parse("2001:DB8::/32")).isEqualTo(CidrRange.parse("2001:db8:0:0::/32"));
    }

    @Test
    void parseRefusesWithTheReason() {
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.1/8"))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("invalid IP range \"10.0.0.1/8\": host bits are set below the prefix; the range is 10.0.0.0/8");
    }

    @ParameterizedTest(name = "{1} under {0}: {2}")
    @CsvSource({
            "example.com,example.com,true", "example.com,api.example.com,true", "example.com,a.b.example.com,true",
            "example.com,API.Example.COM,true", "Example.com,api.example.com,true", "example.com,api.example.com.,true",
            "example.com,badexample.com,false", "example.com,example.com.evil,false", "example.com,com,false",
            "svc.internal,example.com,false"})
    void aSuffixAllowsItselfAndNamesBelowItAtALabelBoundary(String suffix, String name, boolean allowed) {
        assertThat(DnsSuffixes.matches(suffix, name)).isEqualTo(allowed);
    }

    @Test
    void validateRefusesWithTheReason() {
        assertThatThrownBy(() -> DnsSuffixes.validate("*.example.com"))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("invalid DNS suffix \"*.example.com\": must not contain a wildcard: an entry already"
                        + " allows every name below it");
    }
}
