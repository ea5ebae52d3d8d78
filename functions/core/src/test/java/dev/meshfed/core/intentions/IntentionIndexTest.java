package dev.meshfed.core.intentions;

import static dev.meshfed.core.intentions.Fixtures.ixn;
import static dev.meshfed.core.intentions.Fixtures.split;
import static dev.meshfed.core.intentions.Fixtures.v;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntentionIndexTest {

    private static final IntentionDefault DENY_BY_ACLS = IntentionDefault.byAcls(true);
    private static final IntentionDefault ALLOW_BY_ACLS = IntentionDefault.byAcls(false);

    private static IntentionIndex index(Intention... intentions) {
        return IntentionIndex.of(Stream.of(intentions).map(Fixtures::v).toList(), 7);
    }

    /** One decision: the intentions present, the question, the expected answer and the deciding intention ID (or "-"). */
    record Row(String name, List<Intention> intentions, DecisionQuery q, IntentionDefault fallback, boolean allowed,
            String matched) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static DecisionQuery q(String source, String destination) {
        return q(source, null, destination, null);
    }

    private static DecisionQuery q(String source, String sourceDc, String destination, String destinationDc) {
        String[] s = split(source);
        String[] d = split(destination);
        return new DecisionQuery(s[0], s[1], Optional.ofNullable(sourceDc), d[0], d[1], Optional.ofNullable(destinationDc));
    }

    static Stream<Row> rows() {
        Intention allowExact = ixn("exact", "web", "db", "allow");
        Intention denyAllToDb = ixn("all-to-db", "*", "db", "deny");
        Intention denyEverything = ixn("everything", "*/*", "*/*", "deny");
        Intention allowEverything = ixn("everything", "*/*", "*/*", "allow");
        Intention nsWildcard = ixn("ns-wild", "*", "prod/*", "allow");
        Intention l7 = ixn("l7", "web", "db", "L7");
        Intention fromDc2 = ixn("from-dc2", "web", "db", "deny", "dc2", "");
        Intention intoDc1 = ixn("into-dc1", "web", "db", "deny", "", "dc1");
        Intention both = ixn("both", "web", "db", "allow", "dc2", "dc1");
        return Stream.of(
                new Row("exact allow wins over wildcard deny", List.of(allowExact, denyAllToDb), q("web", "db"),
                        DENY_BY_ACLS, true, "exact"),
                new Row("wildcard source deny for another source", List.of(allowExact, denyAllToDb), q("api", "db"),
                        ALLOW_BY_ACLS, false, "all-to-db"),
                new Row("*/* deny catches all", List.of(denyEverything), q("a", "b"), ALLOW_BY_ACLS, false, "everything"),
                new Row("*/* allow catches all", List.of(allowEverything), q("a", "b"), DENY_BY_ACLS, true, "everything"),
                new Row("no match, ACLs on: deny", List.of(allowExact), q("api", "db"), DENY_BY_ACLS, false, "-"),
                new Row("no match, ACLs off: allow", List.of(allowExact), q("api", "db"), ALLOW_BY_ACLS, true, "-"),
                new Row("namespace wildcard destination", List.of(nsWildcard), q("web", "prod/db"), DENY_BY_ACLS, true,
                        "ns-wild"),
                new Row("namespace wildcard is not another namespace", List.of(nsWildcard), q("web", "db"), DENY_BY_ACLS,
                        false, "-"),
                new Row("source namespace must match", List.of(allowExact), q("other/web", "db"), DENY_BY_ACLS, false, "-"),
                new Row("L7 answers deny", List.of(l7, allowEverything), q("web", "db"), ALLOW_BY_ACLS, false, "l7"),
                new Row("source-DC scoped matches its DC", List.of(fromDc2, allowExact), q("web", "dc2", "db", null),
                        ALLOW_BY_ACLS, false, "from-dc2"),
                new Row("source-DC scoped skips another DC", List.of(fromDc2, allowExact), q("web", "dc3", "db", null),
                        DENY_BY_ACLS, true, "exact"),
                new Row("DC scoped never matches a question without DC", List.of(fromDc2, intoDc1, both),
                        q("web", "db"), ALLOW_BY_ACLS, true, "-"),
                new Row("destination-DC scoped", List.of(intoDc1, allowExact), q("web", null, "db", "dc1"),
                        ALLOW_BY_ACLS, false, "into-dc1"),
                new Row("two DC fields beat one", List.of(both, fromDc2, intoDc1), q("web", "dc2", "db", "dc1"),
                        DENY_BY_ACLS, true, "both"),
                new Row("both fields must match", List.of(both), q("web", "dc2", "db", "dc9"), DENY_BY_ACLS, false, "-"),
                new Row("configured default", List.of(), q("web", "db"), IntentionDefault.policy("allow"), true, "-"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decisions(Row row) {
        Decision d = IntentionIndex.of(row.intentions().stream().map(Fixtures::v).toList(), 1).decide(row.q(),
                row.fallback());
        assertThat(d.allowed()).isEqualTo(row.allowed());
        assertThat(d.matched().map(Intention::id).orElse("-")).isEqualTo(row.matched());
        if (d.matched().isEmpty()) {
            assertThat(d.reason()).isEqualTo(row.fallback().reason());
        } else {
            assertThat(d.reason()).startsWith(d.matched().get().permissions() == null ? "Matched L4 intention: "
                    : "Matched L7 intention: ");
        }
    }

    @Test
    void reasonTextsAreConsuls() {
        IntentionIndex idx = index(ixn("abc", "web", "db", "allow"));
        assertThat(idx.decide(q("web", "db"), DENY_BY_ACLS).reason())
                .isEqualTo("Matched L4 intention: default/web => default/db (ID: abc, Precedence: 9, Action: ALLOW)");
        assertThat(idx.decide(q("x", "db"), DENY_BY_ACLS).reason()).isEqualTo("Default behavior configured by ACLs");
        assertThat(idx.decide(q("x", "db"), IntentionDefault.policy("deny")).reason()).isEqualTo("Default intention policy");
        assertThat(index(ixn("l", "web", "db", "L7")).decide(q("web", "db"), DENY_BY_ACLS).reason())
                .isEqualTo("Matched L7 intention: default/web => default/db (ID: l, Precedence: 9, Permissions: 2)");
    }

    @Test
    void matchByDestinationAndSourceInMatchOrder() {
        IntentionIndex idx = index(ixn("a", "web", "db", "allow"), ixn("b", "*", "db", "deny"),
                ixn("c", "*/*", "*/*", "deny"), ixn("d", "web", "*", "allow"), ixn("e", "web", "api", "allow"),
                ixn("f", "web", "prod/db", "allow"));
        assertThat(idx.matchDestination("default", "db")).extracting(x -> x.value().id()).containsExactly("a", "b", "d", "c");
        assertThat(idx.matchDestination("prod", "db")).extracting(x -> x.value().id()).containsExactly("f", "c");
        assertThat(idx.matchSource("default", "web")).extracting(x -> x.value().id())
                .containsExactly("e", "a", "f", "b", "d", "c");
        assertThat(idx.matchSource("default", "api")).extracting(x -> x.value().id()).containsExactly("b", "c");
        assertThat(idx.all()).hasSize(6);
        assertThat(idx.byId("e")).isPresent();
        assertThat(idx.byKey(List.of("default", "web", "default", "api", "", ""))).map(x -> x.value().id()).hasValue("e");
        assertThat(idx.changeIndex()).isEqualTo(7);
    }

    @Test
    void anEmptyIndexAnswersTheDefault() {
        assertThat(IntentionIndex.empty().decide(q("a", "b"), ALLOW_BY_ACLS).allowed()).isTrue();
        assertThat(IntentionIndex.empty().matchDestination("default", "db")).isEmpty();
    }
}
