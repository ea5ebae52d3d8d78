package dev.meshfed.app.ca.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.store.Table;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.stream.events.StreamRecords;
import org.junit.jupiter.api.Test;

/** The primary bootstraps at once when ca-admin records its configuration, without waiting for a tick. */
class BootstrapRequestTest {

    @Test
    void storingThePrimarysConfigurationBeforeTheFirstRootBootstrapsAtOnceWithIt() {
        LifecycleFederation f = new LifecycleFederation("dc1");
        RotateLeaves dc1 = f.function("dc1");
        // stream only: no tick is registered, so only the record can start the bootstrap
        f.harness.subscribe("dc1", Table.CA, StreamSubscriber.perRecord(r -> dc1.onRecord(StreamRecords.decode(r))));
        f.harness.settle();
        assertThat(f.dc("dc1").caStore().bundle(true)).isEmpty();

        f.dc("dc1").caStore().putCaConfig(CaConfig.builder().privateKeyBits(384).build(), 0);
        f.harness.settle();

        var bundle = f.bundle("dc1");
        assertThat(KeySpec.of(bundle.active().certificate().getPublicKey())).isEqualTo(KeySpec.EC_P384);
        assertThat(f.signer("dc1")).isPresent();
        // a later configuration record changes nothing: one root
        f.dc("dc1").caStore().putCaConfig(CaConfig.builder().privateKeyBits(384).csrMaxPerSecond(10).build(), 1);
        f.harness.settle();
        assertThat(f.dc("dc1").caStore().bundle(true).orElseThrow().version()).isEqualTo(1);
    }
}
