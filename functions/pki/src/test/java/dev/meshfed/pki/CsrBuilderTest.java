package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.CertificateRequest;
import dev.meshfed.core.pki.KeySpec;
import java.security.KeyPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CsrBuilderTest {
    private final BcCsrBuilder builder = new BcCsrBuilder(PkiTestSupport.PROVIDERS);

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"EC_P256", "EC_P384", "RSA_2048"})
    void aCaRequestParsesBackWithItsKeyAndOnlyItsUri(KeySpec spec) {
        KeyPair key = PkiTestSupport.rootKey(spec, "a");
        String pem = builder.caRequest(key, "spiffe://11111111-2222-3333-4444-555555555555.consul");

        CertificateRequest csr = PkiTestSupport.PARSER.parse(pem);

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        assertThat(csr.signatureVerifies()).isTrue();
        assertThat(csr.uris()).containsExactly("spiffe://11111111-2222-3333-4444-555555555555.consul");
        assertThat(csr.dnsNames()).isEmpty();
        assertThat(csr.requestsCa()).isFalse();
        assertThat(csr.keyInfo().caSpec()).isEqualTo(spec);
        assertThat(KeyIds.keyIdHex(csr.publicKey())).isEqualTo(KeyIds.keyIdHex(key.getPublic()));
    }
}
