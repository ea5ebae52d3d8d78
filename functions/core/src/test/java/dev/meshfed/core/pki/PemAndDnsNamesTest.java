package dev.meshfed.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PemAndDnsNamesTest {

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
    void leafDnsNamesMustBeWellFormedAndWithinAnAllowedSuffix() {
        List<String> allowed = List.of("example.com", "svc.local");
        assertThat(LeafCsrValidator.dnsAllowed("example.com", allowed)).isTrue();
        assertThat(LeafCsrValidator.dnsAllowed("web.EXAMPLE.com", allowed)).isTrue();
        assertThat(LeafCsrValidator.dnsAllowed("a.svc.local", allowed)).isTrue();
        assertThat(LeafCsrValidator.dnsAllowed("badexample.com", allowed)).isFalse();
        assertThat(LeafCsrValidator.dnsAllowed("web.example.com.evil.org", allowed)).isFalse();
        assertThat(LeafCsrValidator.dnsAllowed("bad_name.example.com", allowed)).isFalse();
        assertThat(LeafCsrValidator.dnsAllowed("web.example.com", List.of())).isFalse();
    }
}
