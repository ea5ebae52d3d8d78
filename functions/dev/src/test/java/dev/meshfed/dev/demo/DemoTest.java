package dev.meshfed.dev.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo walk against a fake federation: one {@code HttpServer} per DC backed by a real
 * Bouncy Castle CA ({@link FakeCa}), since the full {@code meshfed dev} does not exist yet. The
 * verifiers in the walk are the JDK's, so a chain the fake gets wrong fails here as it would
 * against meshfed.
 */
class DemoTest {

    private static final String TD = "7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul";
    private static final String TOKEN = "3f9c2a8e-secret-token-5d1b";

    private final List<FakeDc> dcs = new ArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void stop() {
        dcs.forEach(FakeDc::close);
        System.out.print(output()); // the walk as a reader would see it, in the surefire report
    }

    /** A consistent federation: one root, an intermediate under it per DC, the token required. */
    private List<FakeDc> federation(String... names) throws Exception {
        FakeCa.Issuer root = FakeCa.root(TD, "pri-abc12345.consul.ca.7d8b1e6c.consul");
        for (String name : names) {
            FakeDc dc = new FakeDc(name, TD, root, FakeCa.intermediate(root, TD, name));
            dc.requiredToken = Optional.of(TOKEN);
            dcs.add(dc);
        }
        dcs.forEach(dc -> dc.federation = List.copyOf(dcs));
        return dcs;
    }

    private boolean walk() {
        return Demo.run(dcs.stream().map(FakeDc::endpoint).toList(), Optional.of(TOKEN), out,
                java.time.Duration.ofMillis(300), java.time.Duration.ofSeconds(1));
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The result line of step k, e.g. "  3. PKIX against ...: FAILED". */
    private String summaryLine(int k) {
        return output().lines().filter(l -> l.startsWith("  " + k + ". ")).findFirst().orElseThrow();
    }

    @Test
    void walkHoldsOnAConsistentTwoDcFederation() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).signsBeforeRekey = 3; // the secondary re-keys a moment after it shows the new root

        assertThat(walk()).isTrue();

        String o = output();
        assertThat(o).contains("demo [1/7] one trust domain", "demo [2/7] leaf from a secondary (dc2)",
                "demo [3/7] PKIX against the primary's roots (dc1)", "demo [4/7] mTLS across DCs",
                "demo [5/7] managed leaf (dc2 web)", "demo [6/7] intention written in dc1, decided in dc2",
                "demo: 7 of 7 steps held");
        assertThat(o).contains("  authorize: dc2: Matched L4 intention: default/api => default/web")
                .contains(" ms after the write (replication lag");
        assertThat(FakeDc.INTENTIONS).as("the demo cleans up its intention").isEmpty();
        assertThat(o).contains("  trust domain: " + TD)
                .contains("  service URI: spiffe://" + TD + "/ns/default/dc/dc2/svc/web")
                .contains("  path length: 2")
                .contains("  anchor: CN=pri-abc12345.consul.ca.7d8b1e6c.consul")
                .contains("  protocol: TLSv1.3")
                .contains("  server saw: spiffe://" + TD + "/ns/default/dc/dc1/svc/api")
                .contains("  client saw: spiffe://" + TD + "/ns/default/dc/dc2/svc/web")
                .contains("  private key: EC, matches the leaf")
                .contains("  rotate after: ");
        assertThat(o).contains("demo [7/7] root rotation (old and new leaves keep verifying)")
                .contains("  old active root: ", "  new active root: ", "  rotated across DCs: ")
                .contains("  handshake old api -> old web: ok (TLSv1.3", "  handshake old api -> new web: ok (TLSv1.3",
                        "  handshake new api -> old web: ok (TLSv1.3", "  handshake new api -> new web: ok (TLSv1.3")
                .contains("  dc2 trusts: 2 self-signed roots (old and new), the cross-signed certificate in its chain")
                .contains("  new web leaf vs old root alone: leaf <- CN=dc2.ca." + TD
                        + " (issued by CN=pri-def67890.consul.ca.7d8b1e6c.consul) <- CN=pri-def67890.consul.ca.7d8b1e6c.consul"
                        + " (issued by CN=pri-abc12345.consul.ca.7d8b1e6c.consul) <- anchor CN=pri-abc12345")
                .contains("  PKIX: the new web leaf validates against the old root alone");
        for (int k = 1; k <= 7; k++) {
            assertThat(summaryLine(k)).endsWith(": ok");
        }
        assertThat(o).doesNotContain("FAILED", "skipped");
        // the token went in the header of every call, and never to the output
        assertThat(dcs.get(0).tokensSeen).isNotEmpty().containsOnly(TOKEN);
        assertThat(dcs.get(1).tokensSeen).isNotEmpty().containsOnly(TOKEN);
        assertThat(o).doesNotContain(TOKEN);
    }

    @Test
    void aSingleDcPlaysBothRoles() throws Exception {
        federation("dc1");

        assertThat(walk()).isTrue();

        assertThat(output()).contains("  client saw: spiffe://" + TD + "/ns/default/dc/dc1/svc/web",
                "demo: 7 of 7 steps held");
    }

    @Test
    void aSecondaryWithAnotherTrustDomainFailsTheFirstStep() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).trustDomain = "00000000-0000-4000-8000-000000000000.consul";

        assertThat(walk()).isFalse();

        assertThat(summaryLine(1)).isEqualTo("  1. one trust domain: FAILED");
        assertThat(output()).contains("  result: FAILED (trust domains differ: [" + TD
                + ", 00000000-0000-4000-8000-000000000000.consul])");
        assertThat(output()).contains("demo: 0 of 7 steps held");
    }

    @Test
    void aSecondarySigningUnderAnUnrelatedRootFailsPkixAndMtls() throws Exception {
        federation("dc1", "dc2");
        FakeCa.Issuer stranger = FakeCa.root(TD, "pri-zzz99999.consul.ca.7d8b1e6c.consul");
        dcs.get(1).signer = FakeCa.intermediate(stranger, TD, "dc2");

        assertThat(walk()).isFalse();

        assertThat(summaryLine(1)).endsWith(": ok");
        assertThat(summaryLine(2)).endsWith(": ok");
        assertThat(summaryLine(3)).isEqualTo("  3. PKIX against the primary's roots (dc1): FAILED");
        assertThat(summaryLine(4)).startsWith("  4. mTLS across DCs").endsWith(": FAILED");
        assertThat(summaryLine(5)).endsWith(": FAILED");
        assertThat(output()).contains("PKIX validation failed", "handshake failed");
        assertThat(output()).contains("demo: 3 of 7 steps held");
    }

    @Test
    void signAnswering503SkipsTheStepsThatNeedTheLeaf() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).signStatus = 503;
        // a server that echoes the token must not get it printed
        dcs.get(1).signRefusal = "CA is uninitialized and unable to sign certificates yet (token " + TOKEN + ")";

        assertThat(walk()).isFalse();

        String o = output();
        assertThat(summaryLine(2)).endsWith(": FAILED");
        assertThat(o).contains("dc2: POST /v1/connect/ca/sign answered 503: CA is uninitialized and unable to sign"
                + " certificates yet (token <redacted>)");
        assertThat(summaryLine(3)).endsWith(": skipped");
        assertThat(summaryLine(4)).endsWith(": skipped");
        assertThat(o).contains("  result: skipped (needs leaf from a secondary (dc2))");
        assertThat(summaryLine(1)).endsWith(": ok");
        assertThat(summaryLine(5)).endsWith(": ok");
        assertThat(o).contains("demo: 3 of 7 steps held");
        assertThat(o).doesNotContain(TOKEN);
    }

    @Test
    void aPrimaryLeafForAnotherServiceIsRefusedByTheTlsServer() throws Exception {
        federation("dc1", "dc2");
        dcs.get(0).signAsService = "billing";

        assertThat(walk()).isFalse();

        assertThat(summaryLine(4)).endsWith(": FAILED");
        assertThat(output()).contains("server refused its peer spiffe://" + TD + "/ns/default/dc/dc1/svc/billing,"
                + " expected spiffe://" + TD + "/ns/default/dc/dc1/svc/api");
        assertThat(output()).contains("demo: 5 of 7 steps held");
    }

    @Test
    void aSecondaryLeafForAnotherServiceFailsTheSpiffeCheck() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).signAsService = "billing";

        assertThat(walk()).isFalse();

        assertThat(summaryLine(3)).endsWith(": FAILED");
        assertThat(output()).contains("leaf URI SAN is spiffe://" + TD + "/ns/default/dc/dc2/svc/billing, requested");
        assertThat(summaryLine(4)).endsWith(": FAILED");
        assertThat(output()).contains("client refused its peer");
    }

    @Test
    void anUnreachableDcIsReportedNotThrown() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).close();

        assertThat(walk()).isFalse();

        assertThat(summaryLine(1)).endsWith(": FAILED");
        assertThat(output()).contains("demo: 0 of 7 steps held");
    }

    @Test
    void aSecondaryThatNeverSeesTheIntentionFailsTheIntentionStepAfterItsWait() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).intentionsStuck = true;

        assertThat(walk()).isFalse();

        assertThat(summaryLine(6)).endsWith(": FAILED");
        assertThat(output()).contains("dc2 still allows api => web 300 ms after the write");
        assertThat(FakeDc.INTENTIONS).isEmpty();
    }

    @Test
    void aSecondaryThatNeverShowsTheNewRootFailsTheRotationStepAfterItsWait() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).rotationStuck = true;

        assertThat(walk()).isFalse();

        assertThat(summaryLine(7)).isEqualTo("  7. root rotation (old and new leaves keep verifying): FAILED");
        assertThat(output()).contains("  dc1: active root ")
                .containsPattern("result: FAILED \\(dc2 still shows active root [0-9a-f:]+\\.\\.\\. with 1 root\\(s\\) 1000 ms"
                        + " after the rotation request\\)")
                .contains("demo: 6 of 7 steps held");
    }

    @Test
    void aSecondaryThatNeverReKeysFailsTheRotationStepAfterItsWait() throws Exception {
        federation("dc1", "dc2");
        dcs.get(1).signsBeforeRekey = Integer.MAX_VALUE;

        assertThat(walk()).isFalse();

        assertThat(summaryLine(7)).endsWith(": FAILED");
        assertThat(output()).contains("dc2: the web leaf still does not chain to the new root after ")
                .contains("demo: 6 of 7 steps held");
    }

    @Test
    void aNewRootThatIsNotCrossSignedFailsThePkixAgainstTheOldRoot() throws Exception {
        federation("dc1", "dc2");
        dcs.get(0).crossSignWith = FakeCa.root(TD, "pri-zzz99999.consul.ca.7d8b1e6c.consul");

        assertThat(walk()).isFalse();

        assertThat(summaryLine(7)).endsWith(": FAILED");
        assertThat(output()).contains("PKIX of the new web leaf against the old root alone")
                .contains("chain holds no certificate of the new root cross-signed by the old");
    }
}
