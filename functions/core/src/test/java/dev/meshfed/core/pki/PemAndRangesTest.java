package dev.meshfed.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemAndRangesTest {

    @Test
    void pemEncodingUses64CharacterLinesAndEndsWithANewline() throws Exception {
        byte[] der = new byte[100];
        for (int i = 0; i < der.length; i++) {
            der[i] = (byte) i;
        }
        String pem = Pem.encode("CERTIFICATE", der);
        String[] lines = pem.split("\n");
        assertThat(lines[0]).isEqualTo("-----BEGIN CERTIFICATE-----");
        assertThat(lines[1]).hasSize(64);
        assertThat(lines[lines.length - 1]).isEqualTo("-----END CERTIFICATE-----");
        assertThat(pem).endsWith("\n");
        assertThat(Pem.decodeAll(pem)).singleElement().satisfies(b -> {
            assertThat(b.type()).isEqualTo("CERTIFICATE");
            assertThat(b.der()).isEqualTo(der);
        });
    }

    @Test
    void decodingKeepsBlockOrderAndIgnoresSurroundingText() throws Exception {
        String text = "junk\n" + Pem.encode("A", new byte[] {1}) + "between\r\n" + Pem.encode("B", new byte[] {2});
        assertThat(Pem.decodeAll(text)).extracting(Pem.Block::type).containsExactly("A", "B");
        assertThat(Pem.decodeAll("no pem here")).isEmpty();
    }

    @Test
    void brokenBlocksAreErrorsNotEmptyResults() {
        assertThatThrownBy(() -> Pem.decodeAll("-----BEGIN A-----\nAAAA\n")).isInstanceOf(Pem.MalformedPem.class);
        assertThatThrownBy(() -> Pem.decodeAll("-----BEGIN A-----\n!!!!\n-----END A-----\n")).isInstanceOf(Pem.MalformedPem.class);
        assertThatThrownBy(() -> Pem.decodeAll("-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END A-----\n"))
                .isInstanceOf(Pem.MalformedPem.class);
    }

    @Test
    void cidrRangesMatchIpv4AndIpv6AtThePrefixBoundary() {
        IpRange v4 = IpRange.parse("10.1.0.0/16");
        assertThat(v4.contains(new byte[] {10, 1, (byte) 255, 1})).isTrue();
        assertThat(v4.contains(new byte[] {10, 2, 0, 1})).isFalse();
        IpRange odd = IpRange.parse("192.168.0.0/23");
        assertThat(odd.contains(new byte[] {(byte) 192, (byte) 168, 1, 7})).isTrue();
        assertThat(odd.contains(new byte[] {(byte) 192, (byte) 168, 2, 7})).isFalse();
        IpRange v6 = IpRange.parse("fd00::/8");
        byte[] ula = new byte[16];
        ula[0] = (byte) 0xfd;
        assertThat(v6.contains(ula)).isTrue();
        assertThat(v6.contains(new byte[] {10, 0, 0, 1})).isFalse();
    }

    @Test
    void cidrParsingRefusesHostNamesAndNonsenseWithoutLookingAnythingUp() {
        for (String bad : List.of("example.com/8", "10.0.0.0", "10.0.0.0/33", "300.1.1.1/8", "10.0.0.0/x", "::/129", "/8", "10.0.0.0/-1")) {
            assertThatThrownBy(() -> IpRange.parse(bad)).as(bad).isInstanceOf(InvalidInput.class)
                    .hasMessage("invalid CIDR range: " + bad);
        }
    }

    @Test
    void leafDnsNamesMustBeWellFormedAndWithinAnAllowedSuffix() {
        List<String> allowed = List.of("example.com", ".svc.local");
        assertThat(LeafCsrValidator.dnsAllowed("example.com", allowed)).isTrue();
        assertThat(LeafCsrValidator.dnsAllowed("web.EXAMPLE.com", allowed)).isTrue();
        assertThat(LeafCsrValidator.dnsAllowed("a.svc.local", allowed)).isTrue();
        assertThat(LeafCsrValidator.dnsAllowed("badexample.com", allowed)).isFalse();
        assertThat(LeafCsrValidator.dnsAllowed("web.example.com.evil.org", allowed)).isFalse();
        assertThat(LeafCsrValidator.dnsAllowed("bad_name.example.com", allowed)).isFalse();
        assertThat(LeafCsrValidator.dnsAllowed("web.example.com", List.of())).isFalse();
    }
}
