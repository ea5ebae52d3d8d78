package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.ca.lifecycle.RotationRequests;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.ca.RotationRequest;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/connect/ca/rotate} in a secondary, as deployed: forwarded to the primary (flow 6). */
class RotationForwardingTest {

    @Test
    void aRotateSentToASecondaryIsRecordedInThePrimaryAndASecondOneIs409() {
        try (WiredFederation f = new WiredFederation(DcConfig.AclMode.OFF, "dc1", "dc2").withPrimaryCa()) {
            String before = f.harness.dc("dc1").caStore().bundle(true).orElseThrow().value().activeRootId();
            HttpResponse r = f.call("dc2", "POST", "/v1/connect/ca/rotate", null, null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            RotationRequest recorded = f.harness.dc("dc1").caStore().rotation(true).orElseThrow().value();
            assertThat(recorded.trigger()).isEqualTo(RotationRequest.Trigger.FORCED);
            assertThat(recorded.fromRootId()).isEqualTo(before);

            HttpResponse second = f.call("dc2", "POST", "/v1/connect/ca/rotate", null, null);
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.body()).contains(RotationRequests.ALREADY_IN_PROGRESS);

            // the primary's rotate-leaves carries it out
            f.dc("dc1").rotateLeaves().tick();
            f.harness.settle();
            assertThat(f.harness.dc("dc2").caStore().bundle(true).orElseThrow().value().roots()).hasSize(2);
            assertThat(f.harness.dc("dc1").caStore().rotation(true).orElseThrow().value().state())
                    .isEqualTo(RotationRequest.State.DONE);
        }
    }
}
