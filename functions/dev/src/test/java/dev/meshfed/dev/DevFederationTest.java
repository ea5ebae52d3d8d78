package dev.meshfed.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.meshfed.app.ca.ManagedLeafReissue;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The federation of {@code meshfed dev} in this JVM: start-up, the dev controls, the status line. */
class DevFederationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevFederation dev;

    @AfterEach
    void stop() {
        if (dev != null) {
            dev.close();
        }
    }

    private DevFederation start(String... extra) throws IOException {
        int port = DevProcess.freePortPair();
        String[] args = new String[extra.length + 2];
        args[0] = "--port";
        args[1] = Integer.toString(port);
        System.arraycopy(extra, 0, args, 2, extra.length);
        dev = DevFederation.start(DevOptions.parse(args));
        dev.bringUp();
        return dev;
    }

    private HttpResponse<String> post(String dc, String pathAndQuery, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dev.uri(dc) + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bringUpEndsWithEverySecondaryHoldingAnIntermediateUnderThePrimarysRoot() throws Exception {
        start("--datacenters", "dc1,dc2,dc3");
        for (String dc : List.of("dc2", "dc3")) {
            assertThat(dev.dc(dc).rotateLeaves().status().signingKeyId()).isNotNull();
            assertThat(dev.dc(dc).ca().bundle(true).orElseThrow().value().activeRootId())
                    .isEqualTo(dev.bundle().orElseThrow().activeRootId());
        }
        assertThat(MeshfedDev.status(dev)).contains("dc1 signer").contains("dc3 signer").doesNotContain("none")
                .contains("replication pending ");
    }

    @Test
    void theStatusLineShowsARotationAndReissueOnlyWhileTheyAreUnderWay() throws Exception {
        start();
        assertThat(MeshfedDev.status(dev)).doesNotContain("rotation").doesNotContain("reissued");
        String before = dev.bundle().orElseThrow().activeRootId();
        assertThat(post("dc1", "/v1/connect/ca/rotate", dev.managementToken().orElse(null)).statusCode()).isEqualTo(200);
        Instant deadline = Instant.now().plusSeconds(20);
        while (dev.dc("dc1").ca().rotation(true).map(v -> v.value().open()).orElse(true)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(dev.bundle().orElseThrow().activeRootId()).isNotEqualTo(before);
        assertThat(MeshfedDev.status(dev)).as("done: no longer shown").doesNotContain("rotation");

        // the parts as they read while a rotation is under way
        var open = RotationRequest.pending("r-1",
                RotationRequest.Trigger.FORCED, Instant.EPOCH, "root", "ec", 256, null, false)
                .inProgress();
        var progress = new ManagedLeafReissue.Progress("k", 48, 100, Instant.EPOCH);
        assertThat(MeshfedDev.rotationPart(open)).isEqualTo(" | rotation IN_PROGRESS");
        assertThat(MeshfedDev.reissuePart(progress)).isEqualTo(" reissued 48/100");
        assertThat(MeshfedDev.rotationPart(open.done(Instant.EPOCH))).isEmpty();
        assertThat(MeshfedDev.reissuePart(ManagedLeafReissue.Progress.NONE)).isEmpty();
    }

    @Test
    void aReplicationDelayStillReachesReady() throws Exception {
        start("--replication-delay", "150ms");
        assertThat(dev.dc("dc2").rotateLeaves().status().signingKeyId()).isNotNull();
    }

    @Test
    void partitionHealAndClockControlsChangeTheFederationAndReportIt() throws Exception {
        start();
        HttpResponse<String> p = post("dc2", "/v1/dev/partition?dc=dc2", null);
        assertThat(p.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(p.body()).get("Partitioned").get(0).asText()).isEqualTo("dc2");
        assertThat(dev.federation().isPartitioned("dc2")).isTrue();
        assertThat(MeshfedDev.status(dev)).contains("dc2 signer").contains("PARTITIONED");

        assertThat(post("dc1", "/v1/dev/heal", null).statusCode()).isEqualTo(200);
        assertThat(dev.federation().isPartitioned("dc2")).isFalse();

        HttpResponse<String> c = post("dc1", "/v1/dev/clock?advance=1h30m", null);
        assertThat(c.statusCode()).isEqualTo(200);
        JsonNode clock = JSON.readTree(c.body());
        assertThat(clock.get("ClockOffset").asText()).isEqualTo("1h30m0s");
        assertThat(dev.clock().offset()).isEqualTo(Duration.ofMinutes(90));
        assertThat(MeshfedDev.status(dev)).contains("clock +1h30m0s");
    }

    @Test
    void badControlRequestsAre400AndChangeNothing() throws Exception {
        start();
        for (String bad : List.of("/v1/dev/partition", "/v1/dev/partition?dc=dc9", "/v1/dev/partition?dc=dc1&dc=dc2",
                "/v1/dev/clock", "/v1/dev/clock?advance=-1h", "/v1/dev/clock?advance=0s",
                "/v1/dev/clock?advance=soon", "/v1/dev/clock?advance=100000h",
                "/v1/dev/clock?advance=" + "9".repeat(5000))) {
            HttpResponse<String> r = post("dc1", bad, null);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).doesNotContain("Exception");
        }
        assertThat(dev.clock().offset()).isZero();
        assertThat(dev.federation().isPartitioned("dc1") || dev.federation().isPartitioned("dc2")).isFalse();
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(dev.uri("dc1") + "/v1/dev/heal"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("OPTIONS,POST");
    }

    @Test
    void withAclsOnTheControlsNeedOperatorWriteAndTheManagementTokenHasIt() throws Exception {
        start("--acl", "on");
        String token = dev.managementToken().orElseThrow();
        assertThat(dev.tokenCreated()).isTrue();
        HttpResponse<String> anonymous = post("dc1", "/v1/dev/clock?advance=1h", null);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).startsWith("Permission denied: anonymous token lacks permission 'operator:write'");
        assertThat(dev.clock().offset()).isZero();
        assertThat(post("dc1", "/v1/dev/clock?advance=1h", token).statusCode()).isEqualTo(200);
    }

    @Test
    void aSecondFederationOnTheSamePortsFailsWithAClearMessage() throws Exception {
        start();
        int port = dev.options().port();
        try {
            DevFederation second = DevFederation.start(DevOptions.parse("--port", Integer.toString(port)));
            second.close();
            throw new AssertionError("a second federation started on taken ports");
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessageContaining("is the port in use");
        }
    }

    @Test
    void metricsAreEmfLinesOfTheMetricsLoggerAndNeverReachStdout() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger metricsLog = Logger.getLogger("meshfed.metrics");
        metricsLog.addHandler(capture);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            start();
            // a poison intention item in the primary: every DC quarantines its record, with a metric
            Instant now = dev.clock().instant();
            dev.federation().dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1",
                    IntentionStore.INTENTION, "poison"), 1_000_000, now, null, Map.of("id", Attr.n(5))), 0);
            Instant deadline = Instant.now().plusSeconds(20);
            while (lines.stream().noneMatch(l -> l.contains(Metrics.STREAM_QUARANTINED))
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
        } finally {
            System.setOut(stdout);
            metricsLog.removeHandler(capture);
        }
        String line = lines.stream().filter(l -> l.contains(Metrics.STREAM_QUARANTINED)).findFirst().orElseThrow();
        JsonNode emf = JSON.readTree(line);
        assertThat(emf.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText()).isEqualTo("meshfed");
        assertThat(emf.get("table").asText()).isEqualTo("INTENTIONS");
        assertThat(emf.get(Metrics.STREAM_QUARANTINED).asLong()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("_aws").doesNotContain("meshfed.");
    }
}
