package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshfed.core.config.CaConfigDecoder;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes every reader of untrusted PEM outside the CSR path (the CSR path is {@link CsrFuzzTest}):
 * <ul>
 *   <li>{@link Pem#decodeAll}: a list of blocks or {@link Pem.MalformedPem}; a block it returns
 *       encodes and decodes back to itself;</li>
 *   <li>a supplied root in {@code PUT /v1/connect/ca/configuration}: {@link CaConfigDecoder}'s
 *       shape checks, then {@link SuppliedRootKeys#certificate} and {@link SuppliedRootKeys#matchingKey},
 *       as {@code CaAdmin} runs them: a value or {@link InvalidInput}, never anything else;</li>
 *   <li>{@link Certificates#fromPem}, which reads the certificates of replicated items (written by
 *       another DC): certificates or its documented {@link IllegalArgumentException}.</li>
 * </ul>
 * The input is the root PEM and the key PEM, separated by the first NUL byte; the whole input
 * and each part are also fed to every reader on their own.
 */
class PemFuzzTest {
    /** A real root, so that a fuzzed key that parses is also checked against a certificate. */
    private static final X509Certificate ROOT;

    static {
        ROOT = PkiTestSupport.federation(KeySpec.EC_P256, new dev.meshfed.core.clock.MutableClock(
                Instant.parse("2026-01-01T00:00:00Z"))).activeRoot().certificate();
    }

    @FuzzTest(maxDuration = "15s")
    void pemReadersEndInAValueOrTheirOwnError(byte[] input) {
        int split = 0;
        while (split < input.length && input[split] != 0) {
            split++;
        }
        String whole = new String(input, StandardCharsets.UTF_8);
        String root = new String(input, 0, split, StandardCharsets.UTF_8);
        String key = split < input.length
                ? new String(input, split + 1, input.length - split - 1, StandardCharsets.UTF_8) : "";

        for (String text : List.of(whole, root, key)) {
            pemBlocks(text);
            certificates(text);
            try {
                SuppliedRootKeys.certificate(text);
            } catch (InvalidInput e) {
                assertThat(e.getMessage()).isEqualTo(SuppliedRootKeys.UNREADABLE_ROOT);
            }
            try {
                SuppliedRootKeys.matchingKey(text, ROOT);
            } catch (InvalidInput e) {
                assertThat(e.getMessage()).isIn(SuppliedRootKeys.UNREADABLE_KEY, SuppliedRootKeys.KEY_MISMATCH);
            }
        }
        suppliedRoot(whole, whole);
        suppliedRoot(root, key);
    }

    private static void pemBlocks(String text) {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.decodeAll(text);
        } catch (Pem.MalformedPem e) {
            return;
        }
        for (Pem.Block b : blocks) {
            if (b.type().matches("[A-Z][A-Z ]*")) {
                try {
                    List<Pem.Block> again = Pem.decodeAll(Pem.encode(b.type(), b.der()));
                    assertThat(again).hasSize(1);
                    assertThat(again.get(0).type()).isEqualTo(b.type());
                    assertThat(again.get(0).der()).isEqualTo(b.der());
                } catch (Pem.MalformedPem e) {
                    throw new AssertionError("Pem cannot read back what it wrote: " + e.getMessage());
                }
            }
        }
    }

    private static void certificates(String text) {
        try {
            Certificates.fromPem(text);
        } catch (IllegalArgumentException e) {
            // documented refusal; the item codecs turn it into UndecodableItem
        }
    }

    /** The CA configuration path of a supplied root: decoder shape checks, then the PKI reads. */
    private static void suppliedRoot(String rootPem, String keyPem) {
        var config = new java.util.LinkedHashMap<String, Object>();
        config.put("RootCert", rootPem);
        config.put("PrivateKey", keyPem);
        config.put("LeafCertTTL", Duration.ofHours(72).toHours() + "h");
        try {
            var request = CaConfigDecoder.decodeRequest(Map.of("Provider", "consul", "Config", config));
            if (request.config().suppliedRoot().isPresent()) {
                X509Certificate cert = SuppliedRootKeys.certificate(request.config().suppliedRoot().get().rootCertPem());
                SuppliedRootKeys.matchingKey(request.suppliedPrivateKey().get().pem(), cert);
            }
        } catch (InvalidInput e) {
            // a refusal; the texts are fixed and never repeat the key (SuppliedRootKeys, CaConfigDecoder)
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
