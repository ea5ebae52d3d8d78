package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.store.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Primary-owned writes arriving in a secondary, forwarded over loopback HTTP to the primary's API
 * (architecture.md flow 6), on the multi-DC harness: dc1 primary, dc2 secondary.
 */
class ForwardingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "X-Meshfed-Idempotency-Key";

    private final WiredFederation f = new WiredFederation(DcConfig.AclMode.ON, "dc1", "dc2");
    private final String management = f.bootstrap();

    @AfterEach
    void close() {
        f.close();
    }

    private static JsonNode json(HttpResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.status() + " " + r.body(), e);
        }
    }

    private HttpResponse call(String dc, String method, String path, String token, String body, String key) {
        HttpRequest.Builder b = HttpRequest.builder(method, path);
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        if (key != null) {
            b.header(KEY, key);
        }
        if (body != null) {
            b.body(body);
        }
        return f.dc(dc).localHandler().handle(b.build());
    }

    @Test
    void aTokenCreatedThroughTheSecondaryIsStoredByThePrimaryAndWorksInBothDcs() {
        HttpResponse created = call("dc2", "PUT", "/v1/acl/token", management,
                "{\"Description\":\"made in dc2\",\"ServiceIdentities\":[{\"ServiceName\":\"web\"}]}", null);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.header(KEY)).isPresent();
        String secret = json(created).get("SecretID").asText();
        String accessor = json(created).get("AccessorID").asText();

        // the primary stored it before answering: it works there at once
        assertThat(f.harness.dc("dc1").intentionStore().token(accessor, true)).isPresent();
        assertThat(call("dc1", "GET", "/v1/acl/token/self", secret, null, null).status()).isEqualTo(200);
        // and in the secondary once the global table has replicated it
        f.harness.settle();
        HttpResponse self = call("dc2", "GET", "/v1/acl/token/self", secret, null, null);
        assertThat(self.status()).isEqualTo(200);
        assertThat(json(self).get("AccessorID").asText()).isEqualTo(accessor);
    }

    @Test
    void aForwardedWriteRetriedWithItsKeyAfterALostAnswerAppliesOnceAndReplaysTheFirstAnswer() {
        FaultyPrimaryApi path = f.forwarding.get("dc2");
        path.loseNextAnswers(1);
        HttpResponse lost = call("dc2", "PUT", "/v1/acl/token", management, "{\"Description\":\"once\"}", null);
        assertThat(lost.status()).isEqualTo(503);
        assertThat(lost.header("Retry-After")).isPresent();
        String key = lost.header(KEY).orElseThrow();
        assertThat(lost.body()).contains(key);
        int tokensAfterLoss = f.harness.dc("dc1").intentionStore().tokens(true).size();
        assertThat(tokensAfterLoss).as("the primary applied the write whose answer was lost").isEqualTo(2);

        HttpResponse retried = call("dc2", "PUT", "/v1/acl/token", management, "{\"Description\":\"once\"}", key);
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.header("X-Meshfed-Idempotent-Replay")).hasValue("true");
        assertThat(f.harness.dc("dc1").intentionStore().tokens(true)).hasSize(tokensAfterLoss);
        // the replay carries the secret of the one token made, and it works
        String secret = json(retried).get("SecretID").asText();
        assertThat(call("dc1", "GET", "/v1/acl/token/self", secret, null, null).status()).isEqualTo(200);
        assertThat(path.reachedPrimary.get()).isEqualTo(2);

        // the same key with another request is refused, and applies nothing
        HttpResponse reused = call("dc2", "PUT", "/v1/acl/token", management, "{\"Description\":\"other\"}", key);
        assertThat(reused.status()).isEqualTo(409);
        assertThat(f.harness.dc("dc1").intentionStore().tokens(true)).hasSize(tokensAfterLoss);
    }

    @Test
    void withThePrimaryPartitionedSecondaryWritesAre503AndReadsKeepWorkingThenTheRetryApplies() {
        f.harness.settle(); // the management token reaches dc2
        f.harness.federation().partition("dc1");
        String policy = "{\"Name\":\"ops\",\"Rules\":\"{\\\"operator\\\":\\\"read\\\"}\"}";
        HttpResponse refused = call("dc2", "PUT", "/v1/acl/policy", management, policy, null);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isPresent();
        String key = refused.header(KEY).orElseThrow();
        assertThat(f.harness.dc("dc1").intentionStore().policies(true)).isEmpty();

        // reads are answered from dc2's replica
        assertThat(call("dc2", "GET", "/v1/acl/policies", management, null, null).status()).isEqualTo(200);
        assertThat(call("dc2", "GET", "/v1/operator/replication", management, null, null).status()).isEqualTo(200);
        assertThat(call("dc2", "GET", "/v1/connect/ca/roots", null, null, null).status()).isNotEqualTo(403);

        f.harness.federation().heal();
        HttpResponse applied = call("dc2", "PUT", "/v1/acl/policy", management, policy, key);
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        f.harness.settle();
        assertThat(f.harness.dc("dc2").intentionStore().policies(true)).hasSize(1);
    }

    @Test
    void aReadInTheSecondaryIsNeverForwarded() {
        FaultyPrimaryApi path = f.forwarding.get("dc2");
        f.harness.settle();
        call("dc2", "GET", "/v1/acl/tokens", management, null, null);
        call("dc2", "GET", "/v1/acl/token/self", management, null, null);
        assertThat(path.reachedPrimary.get()).isZero();
    }

    @Test
    void noSecretAppearsInAnyStoredItemOrLogLineAfterAFullScenario() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                lines.add(format.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        List<String> secrets = new ArrayList<>(List.of(management));
        try {
            for (String dc : List.of("dc1", "dc2")) {
                HttpResponse t = call(dc, "PUT", "/v1/acl/token", management,
                        "{\"ServiceIdentities\":[{\"ServiceName\":\"web\"}]}", null);
                secrets.add(json(t).get("SecretID").asText());
            }
            String chosen = "5e3c1a2b-7d4f-4e6a-9b8c-0d1e2f3a4b5c";
            call("dc2", "PUT", "/v1/acl/token", management, "{\"SecretID\":\"" + chosen + "\"}", null);
            secrets.add(chosen);
            f.forwarding.get("dc2").loseNextAnswers(1);
            HttpResponse lost = call("dc2", "PUT", "/v1/acl/token", management, "{}", null);
            HttpResponse replay = call("dc2", "PUT", "/v1/acl/token", management, "{}", lost.header(KEY).orElseThrow());
            secrets.add(json(replay).get("SecretID").asText());
            f.harness.settle();
            for (String s : secrets) {
                call("dc2", "GET", "/v1/acl/token/self", s, null, null);
                call("dc1", "GET", "/v1/operator/replication", s, null, null); // denied: logged?
            }
            String accessor = json(call("dc1", "GET", "/v1/acl/token/self", secrets.get(1), null, null))
                    .get("AccessorID").asText();
            call("dc2", "DELETE", "/v1/acl/token/" + accessor, management, null, null);
            f.harness.settle();
        } finally {
            root.removeHandler(capture);
            root.setLevel(before);
        }
        List<String> logged;
        synchronized (lines) { // the gateway's threads may still be finishing a line
            logged = List.copyOf(lines);
        }
        assertThat(logged).as("the scenario logged its writes").isNotEmpty();
        for (String secret : secrets) {
            assertThat(logged).noneMatch(l -> l.contains(secret));
            for (String dc : List.of("dc1", "dc2")) {
                for (Table t : Table.values()) {
                    assertThat(f.harness.dc(dc).table(t).snapshot()).noneMatch(i -> i.toString().contains(secret));
                }
            }
        }
    }

    @Test
    void theSecondaryForwardsToThePrimarysApiNotToItsOwnStore() {
        // a secondary's function would be refused by the owner guard if it ever wrote a primary item
        PrimaryApi path = f.forwarding.get("dc2");
        assertThat(path).isNotNull();
        HttpResponse r = call("dc2", "PUT", "/v1/acl/policy", management, "{\"Name\":\"from-dc2\"}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(f.harness.dc("dc2").table(Table.INTENTIONS).snapshot()).isEmpty(); // not yet replicated
        f.harness.settle();
        assertThat(f.harness.dc("dc2").intentionStore().policies(true)).hasSize(1);
    }
}
