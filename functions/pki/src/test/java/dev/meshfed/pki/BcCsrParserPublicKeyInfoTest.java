package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The SubjectPublicKeyInfo taken from the request is the provider's own encoding of the key. */
class BcCsrParserPublicKeyInfoTest {

    @Test
    void publicKeyInfoIsWhatEveryProviderEncodes() throws Exception {
        for (CryptoProviders.Preference p : new CryptoProviders.Preference[] {CryptoProviders.Preference.JDK,
                CryptoProviders.Preference.BC, CryptoProviders.Preference.ACCP}) {
            BcCsrParser parser = new BcCsrParser(CryptoProviders.of(p));
            for (String f : new String[] {"valid-ec-p256.pem", "valid-ec-p384.pem", "valid-mesh-gateway.pem",
                    "valid-with-subject-and-extensions.pem", "rsa-1024.pem"}) {
                String pem = Files.readString(Path.of("src/test/resources/csr", f));
                assertThat(parser.parse(pem).publicKeyInfo()).as("%s %s", p, f)
                        .isEqualTo(parser.parse(pem).publicKey().getEncoded());
            }
        }
    }
}
