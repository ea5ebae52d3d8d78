package dev.meshfed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {
    private static final String TD = "7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul";

    @Test
    void serviceIdParsesWithDefaultPartitionAndNamespace() {
        SpiffeId id = SpiffeId.parse("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
        assertThat(id).isEqualTo(new SpiffeId.Service(TD, "default", "default", "dc1", "web"));
        assertThat(id.uri()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
    }

    @Test
    void partitionPrefixIsParsedAndFormattedOnlyWhenNotDefault() {
        SpiffeId.Service s = (SpiffeId.Service) SpiffeId.parse("spiffe://" + TD + "/ap/finance/ns/billing/dc/dc2/svc/api");
        assertThat(s.partition()).isEqualTo("finance");
        assertThat(s.namespace()).isEqualTo("billing");
        assertThat(s.uri()).isEqualTo("spiffe://" + TD + "/ap/finance/ns/billing/dc/dc2/svc/api");
        SpiffeId.Service d = (SpiffeId.Service) SpiffeId.parse("spiffe://" + TD + "/ap/default/ns/default/dc/dc2/svc/api");
        assertThat(d.uri()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc2/svc/api");
    }

    @Test
    void meshGatewaySigningAgentAndServerFormsParse() {
        assertThat(SpiffeId.parse("spiffe://" + TD + "/gateway/mesh/dc/dc2"))
                .isEqualTo(new SpiffeId.MeshGateway(TD, "default", "dc2"));
        assertThat(SpiffeId.parse("spiffe://" + TD + "/ap/eu/gateway/mesh/dc/dc2").uri())
                .isEqualTo("spiffe://" + TD + "/ap/eu/gateway/mesh/dc/dc2");
        assertThat(SpiffeId.parse("spiffe://" + TD)).isEqualTo(new SpiffeId.Signing(TD));
        assertThat(SpiffeId.parse("spiffe://" + TD + "/agent/client/dc/dc1/id/node-1"))
                .isEqualTo(new SpiffeId.Agent(TD, "default", "dc1", "node-1"));
        assertThat(SpiffeId.parse("spiffe://" + TD + "/agent/server/dc/dc1")).isEqualTo(new SpiffeId.Server(TD, "dc1"));
    }

    @Test
    void segmentsArePercentDecodedAndReEncodedOnFormat() {
        SpiffeId.Service s = (SpiffeId.Service) SpiffeId.parse("spiffe://" + TD + "/ns/default/dc/dc1/svc/web%2Dapi%20v2");
        assertThat(s.service()).isEqualTo("web-api v2");
        assertThat(s.uri()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web-api%20v2");
        assertThat(SpiffeId.parse(s.uri())).isEqualTo(s);
    }

    @Test
    void trustDomainIsCaseInsensitive() {
        assertThat(SpiffeId.parse("spiffe://" + TD.toUpperCase() + "/ns/default/dc/dc1/svc/web").trustDomain()).isEqualTo(TD);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://example.com/ns/default/dc/dc1/svc/web",
        "spiffe:///ns/default/dc/dc1/svc/web",
        "spiffe://td.consul/ns/default/dc/dc1/svc/",
        "spiffe://td.consul/ns/default/dc/dc1/svc/web/extra",
        "spiffe://td.consul/ns/default/dc/dc1",
        "spiffe://td.consul/",
        "spiffe://td.consul/ns/default/dc/dc1/svc/web?x=1",
        "spiffe://td.consul/ns/default/dc/dc1/svc/web#frag",
        "spiffe://user@td.consul/ns/default/dc/dc1/svc/web",
        "spiffe://td.consul:8443/ns/default/dc/dc1/svc/web",
        "spiffe://td.consul/ns/default/dc/dc1/svc/web%2",
        "spiffe://td.consul/ns/default/dc/dc1/svc/web%zz",
        "spiffe://td.consul/ns/default/dc/dc1/svc/a%2Fb",
        "spiffe://td.consul/ns/default/dc/dc1/svc/a%00b",
        "not a uri at all",
        ""})
    void everyOtherFormIsRejectedWithConsulsText(String uri) {
        assertThatThrownBy(() -> SpiffeId.parse(uri)).isInstanceOf(InvalidInput.class)
                .hasMessage("SPIFFE ID is not in the expected format: " + uri);
    }

    @Test
    void oversizedInputIsRejectedWithoutEchoingIt() {
        String huge = "spiffe://td.consul/ns/default/dc/dc1/svc/" + "a".repeat(10_000);
        assertThatThrownBy(() -> SpiffeId.parse(huge)).isInstanceOf(InvalidInput.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
    }
}
