package dev.meshfed.app.ca.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.testkit.OpenSsl;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A secondary's CA key type change (ca-admin stores it) re-keys its intermediate through the CSR exchange. */
class SecondaryKeyChangeTest {

    @Test
    void aSecondaryWhoseConfiguredKeyTypeChangesGetsANewIntermediateOfThatType() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        X509Certificate before = f.chain("dc2").signer();
        assertThat(KeySpec.of(before.getPublicKey())).isEqualTo(KeySpec.EC_P256);

        // what ca-admin stores for PUT /v1/connect/ca/configuration {"PrivateKeyBits":384} in dc2
        f.dc("dc2").caStore().putCaConfig(CaConfig.builder().privateKeyBits(384).build(), 0);
        f.harness.advance(Duration.ofMinutes(1));

        X509Certificate after = f.chain("dc2").signer();
        assertThat(KeySpec.of(after.getPublicKey())).isEqualTo(KeySpec.EC_P384);
        assertThat(f.dc("dc1").caStore().csrRequest("dc2", true).orElseThrow().value().reason())
                .isEqualTo(IntermediateCsrRequest.Reason.KEY_CHANGE);
        X509Certificate root = f.bundle("dc2").active().certificate();
        OpenSsl.Result r = OpenSsl.verify(List.of(root), List.of(), after, "any", f.harness.clock().instant());
        assertThat(r.ok()).as(r.output()).isTrue();
        // the primary, whose configuration did not change, keeps its intermediate
        assertThat(KeySpec.of(f.chain("dc1").signer().getPublicKey())).isEqualTo(KeySpec.EC_P256);
        // and nothing more happens on later ticks
        f.harness.advance(Duration.ofMinutes(5));
        assertThat(f.chain("dc2").signer()).isEqualTo(after);
    }
}
