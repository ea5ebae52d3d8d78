package dev.meshfed.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshfed dev} end to end: started as a separate process exactly as the README does, driven
 * over HTTP with a plain client, certificates checked with the {@code openssl} CLI.
 */
class MeshfedDevIT {

    private static final Duration READY = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> call(int port, String method, String pathAndQuery, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void theFederationServesSharesOneTrustDomainSignsInTheSecondaryPartitionsHealsAndSurvivesKill9(@TempDir Path tmp)
            throws Exception {
        Path data = tmp.resolve("data");
        int dc1 = DevProcess.freePortPair();
        int dc2 = dc1 + 1;
        String trustDomain;
        String activeRoot;
        String token;
        try (DevProcess dev = DevProcess.start("--acl", "on", "--data-dir", data.toString(), "--port",
                Integer.toString(dc1))) {
            dev.awaitLine("meshfed dev ready", READY);
            token = Files.readString(data.resolve("management-token")).strip();
            assertThat(dev.output()).contains("management token: " + token);
            assertThat(Files.getPosixFilePermissions(data.resolve("management-token"))).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

            // one trust domain, one active root, in both DCs
            JsonNode roots1 = json(call(dc1, "GET", "/v1/connect/ca/roots", null, null));
            JsonNode roots2 = json(call(dc2, "GET", "/v1/connect/ca/roots", null, null));
            trustDomain = roots1.get("TrustDomain").asText();
            activeRoot = roots1.get("ActiveRootID").asText();
            assertThat(trustDomain).endsWith(".consul");
            assertThat(roots2.get("TrustDomain").asText()).isEqualTo(trustDomain);
            assertThat(roots2.get("ActiveRootID").asText()).isEqualTo(activeRoot);
            assertThat(dev.output()).contains("trust domain: " + trustDomain);

            // a CSR made by openssl for a dc2 service, signed by dc2, verifies against dc1's PEM roots
            Path key = tmp.resolve("web.key");
            Path csr = tmp.resolve("web.csr");
            openssl(tmp, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=web",
                    "-addext", "subjectAltName=URI:spiffe://" + trustDomain + "/ns/default/dc/dc2/svc/web");
            String csrPem = Files.readString(csr);
            HttpResponse<String> signed = call(dc2, "POST", "/v1/connect/ca/sign", token,
                    JSON.writeValueAsString(java.util.Map.of("CSR", csrPem)));
            assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
            List<String> pems = pemBlocks(json(signed).get("CertPEM").asText());
            Path leaf = tmp.resolve("leaf.pem");
            Path chain = tmp.resolve("chain.pem");
            Files.writeString(leaf, pems.get(0));
            Files.writeString(chain, String.join("", pems.subList(1, pems.size())));
            Path rootsPem = tmp.resolve("dc1-roots.pem");
            HttpResponse<String> pemRoots = call(dc1, "GET", "/v1/connect/ca/roots?pem=true", null, null);
            assertThat(pemRoots.headers().firstValue("Content-Type")).hasValue("application/pem-certificate-chain");
            Files.writeString(rootsPem, pemRoots.body());
            String verified = openssl(tmp, "verify", "-x509_strict", "-CAfile", rootsPem.toString(), "-untrusted",
                    chain.toString(), leaf.toString());
            assertThat(verified).contains(leaf + ": OK");

            // partition dc2: its writes answer 503, its reads keep working; heal: the retry applies
            assertThat(call(dc1, "POST", "/v1/dev/partition?dc=dc2", token, null).statusCode()).isEqualTo(200);
            String policy = "{\"Name\":\"partitioned\",\"Rules\":\"\"}";
            HttpResponse<String> refused = call(dc2, "PUT", "/v1/acl/policy", token, policy);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            String key2 = refused.headers().firstValue("X-Meshfed-Idempotency-Key").orElseThrow();
            assertThat(call(dc2, "GET", "/v1/connect/ca/roots", null, null).statusCode()).isEqualTo(200);
            assertThat(call(dc2, "GET", "/v1/acl/policies", token, null).statusCode()).isEqualTo(200);
            assertThat(call(dc2, "POST", "/v1/connect/ca/sign", token,
                    JSON.writeValueAsString(java.util.Map.of("CSR", csrPem))).statusCode()).isEqualTo(200);
            // an intention write through the partitioned secondary is refused and stores nothing; its
            // decisions keep working from its own view
            String pair = "?source=api&destination=web";
            HttpResponse<String> refusedIntention = call(dc2, "PUT", "/v1/connect/intentions/exact" + pair, token,
                    "{\"Action\":\"deny\"}");
            assertThat(refusedIntention.statusCode()).isEqualTo(503);
            HttpResponse<String> checkDuring = call(dc2, "GET", "/v1/connect/intentions/check" + pair, token, null);
            assertThat(checkDuring.statusCode()).isEqualTo(200);
            assertThat(json(checkDuring).get("Allowed").asBoolean()).as("default deny with ACLs on").isFalse();
            assertThat(call(dc1, "GET", "/v1/connect/intentions/exact" + pair, token, null).statusCode()).isEqualTo(404);
            assertThat(call(dc1, "POST", "/v1/dev/heal", token, null).statusCode()).isEqualTo(200);
            HttpRequest retry = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dc2 + "/v1/acl/policy"))
                    .timeout(Duration.ofSeconds(30)).header("X-Consul-Token", token)
                    .header("X-Meshfed-Idempotency-Key", key2).PUT(HttpRequest.BodyPublishers.ofString(policy)).build();
            assertThat(http.send(retry, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            // after healing, an allow written through dc2 is stored by dc1 and decided in dc2 from its view
            assertThat(call(dc2, "PUT", "/v1/connect/intentions/exact" + pair, token, "{\"Action\":\"allow\"}")
                    .statusCode()).isEqualTo(200);
            awaitAllowed(dc2, pair, token, true);

            // an acknowledged write, then kill -9
            HttpResponse<String> ack = call(dc1, "PUT", "/v1/acl/policy", token, "{\"Name\":\"durable\",\"Rules\":\"\"}");
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            dev.kill9();
        }
        try (DevProcess again = DevProcess.start("--acl", "on", "--data-dir", data.toString(), "--port",
                Integer.toString(dc1))) {
            again.awaitLine("meshfed dev ready", READY);
            // the intention written before the crash is there, in both DCs' views
            awaitAllowed(dc2, "?source=api&destination=web", token, true);
            assertThat(call(dc1, "GET", "/v1/connect/intentions/exact?source=api&destination=web", token, null)
                    .statusCode()).isEqualTo(200);
            JsonNode roots = json(call(dc2, "GET", "/v1/connect/ca/roots", null, null));
            assertThat(roots.get("TrustDomain").asText()).isEqualTo(trustDomain);
            assertThat(roots.get("ActiveRootID").asText()).isEqualTo(activeRoot);
            HttpResponse<String> durable = call(dc1, "GET", "/v1/acl/policy/name/durable", token, null);
            assertThat(durable.statusCode()).as(durable.body()).isEqualTo(200);
            assertThat(call(dc1, "GET", "/v1/acl/policy/name/partitioned", token, null).statusCode()).isEqualTo(200);

            // SIGTERM: a clean stop within a few seconds
            again.process.toHandle().destroy(); // SIGTERM, leaving our end of its output open (Process.destroy closes it)
            assertThat(again.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            again.awaitLine("meshfed dev stopped", Duration.ofSeconds(2));
        }
    }

    @Test
    void theDemoWalksTheFederationAndExitsZero() throws Exception {
        int port = DevProcess.freePortPair();
        try (DevProcess demo = DevProcess.start("--demo", "--port", Integer.toString(port))) {
            assertThat(demo.process.waitFor(180, TimeUnit.SECONDS)).as(demo.output()).isTrue();
            assertThat(demo.process.exitValue()).as(demo.output()).isZero();
            assertThat(demo.output()).contains("meshfed dev ready").contains("demo:");
        }
    }

    @Test
    void badOptionsAreExitCode2WithTheUsage() throws Exception {
        try (DevProcess bad = DevProcess.start("--datacenters", "dc1,DC_2")) {
            assertThat(bad.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(bad.process.exitValue()).isEqualTo(2);
            assertThat(bad.output()).contains("invalid datacenter name").contains("usage: meshfed dev");
        }
    }

    /** Polls {@code check} in a DC until it answers {@code allowed} (replication is asynchronous). */
    private void awaitAllowed(int port, String pair, String token, boolean allowed) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = call(port, "GET", "/v1/connect/intentions/check" + pair, token, null);
            if (r.statusCode() == 200 && json(r).get("Allowed").asBoolean() == allowed) {
                return;
            }
            assertThat(System.nanoTime()).as("check" + pair + " never answered Allowed=" + allowed + ": " + r.body())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static List<String> pemBlocks(String pem) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while ((i = pem.indexOf("-----BEGIN CERTIFICATE-----", i)) >= 0) {
            int end = pem.indexOf("-----END CERTIFICATE-----", i) + "-----END CERTIFICATE-----".length();
            out.add(pem.substring(i, end) + "\n");
            i = end;
        }
        return out;
    }

    private static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl " + String.join(" ", args) + "\n" + out).isZero();
        return out;
    }
}
