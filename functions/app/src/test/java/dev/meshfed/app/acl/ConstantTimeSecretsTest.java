package dev.meshfed.app.acl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.acl.AclLink;
import dev.meshfed.core.acl.AclRequests.TokenRequest;
import dev.meshfed.core.acl.AclService;
import dev.meshfed.core.acl.AclToken;
import dev.meshfed.core.acl.Secrets;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.store.embedded.EmbeddedTable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Token secrets are compared in constant time, shown without measuring time (which would be
 * flaky on a shared two-core machine):
 * <ol>
 *   <li>Behaviour: resolution never hands the presented secret to storage. A recording
 *       {@link TableStore} sees every key and item of a resolution; the secret appears in none of
 *       them, and the one lookup is by its SHA-256. So no stored copy of a secret exists that could
 *       be compared byte by byte, and the key lookup's timing depends on a hash the caller cannot
 *       steer byte by byte (changing one byte of the secret changes the whole hash).</li>
 *   <li>The one comparison of hashes that follows (the link's token against the presented hash)
 *       happens: a link pointing at another token's item resolves to nothing.</li>
 *   <li>Bytecode, through {@code javap -c -p} (the JDK's disassembler, run in-process): every method
 *       of meshfed's compiled classes that reads a stored secret hash ({@code AclToken.secretSha256})
 *       or a presented secret ({@code Token.secret}) or compares with {@code Secrets.hashesEqual}
 *       calls no {@code String.equals}, {@code String.compareTo}, {@code contentEquals} or
 *       {@code Arrays.equals}; {@code Secrets.hashesEqual}, {@code Token.equals} and the idempotency
 *       fingerprint check call {@code MessageDigest.isEqual} (constant time since JDK 6u17).</li>
 * </ol>
 */
class ConstantTimeSecretsTest {

    /** Every key and item the store saw, in order. */
    static final class RecordingTable implements TableStore {
        final TableStore delegate;
        final List<String> seen = new ArrayList<>();

        RecordingTable(TableStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<StoredItem> get(ItemKey key, boolean consistent) {
            seen.add("get " + key);
            Optional<StoredItem> item = delegate.get(key, consistent);
            item.ifPresent(i -> seen.add("item " + i.toAttributes()));
            return item;
        }

        @Override
        public void put(StoredItem item, long expectedVersion) {
            seen.add("put " + item.toAttributes());
            delegate.put(item, expectedVersion);
        }

        @Override
        public void delete(ItemKey key, long expectedVersion) {
            seen.add("delete " + key);
            delegate.delete(key, expectedVersion);
        }

        @Override
        public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
            seen.add("query " + owner + " " + kind + " " + startAfter);
            Page p = delegate.query(owner, kind, startAfter, limit, consistent);
            seen.add("page " + p);
            return p;
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RecordingTable table = new RecordingTable(new EmbeddedTable(Table.INTENTIONS, "dc1", clock));
    private final IntentionStore store = new IntentionStore(table, "dc1", "dc1", clock);
    private final AtomicLong index = new AtomicLong();
    private final AclService acls = new AclService(store, "dc1", PolicyRulesJson::decode, index::incrementAndGet,
            () -> UUID.randomUUID().toString(), clock);

    private static TokenRequest request() {
        return new TokenRequest(Optional.empty(), Optional.empty(), "t", List.of(), List.of(), false);
    }

    @Test
    void resolutionLooksTheSecretUpByItsHashAndTheSecretNeverReachesTheStore() {
        var created = acls.createToken(request());
        String secret = created.secretId();
        String nearMiss = secret.substring(0, secret.length() - 1) + (secret.endsWith("0") ? "1" : "0");
        assertThat(table.seen).as("creating stores no secret").noneMatch(s -> s.contains(secret));

        table.seen.clear();
        assertThat(acls.resolve(secret)).map(t -> t.accessorId()).hasValue(created.token().accessorId());
        assertThat(acls.resolve(nearMiss)).isEmpty();

        assertThat(table.seen).isNotEmpty();
        assertThat(table.seen).noneMatch(s -> s.contains(secret) || s.contains(nearMiss));
        List<String> lookups = table.seen.stream().filter(s -> s.startsWith("get ") && s.contains("acl-secret"))
                .toList();
        assertThat(lookups).hasSize(2);
        assertThat(lookups.get(0)).contains(Secrets.sha256Hex(secret));
        assertThat(lookups.get(1)).contains(Secrets.sha256Hex(nearMiss));
        // a one-character change moves the whole hash: a lookup cannot be steered byte by byte
        assertThat(commonPrefix(Secrets.sha256Hex(secret), Secrets.sha256Hex(nearMiss))).isLessThan(8);
    }

    @Test
    void aLinkToAnotherTokensItemResolvesToNothingSoTheStoredHashIsComparedAgain() {
        var a = acls.createToken(request());
        var b = acls.createToken(request());
        String hashA = Secrets.sha256Hex(a.secretId());
        var link = store.secretLink(hashA, true).orElseThrow();
        store.deleteSecretLink(hashA, link.version());
        store.createSecretLink(hashA, new AclLink(b.token().accessorId(), clock.instant()));

        assertThat(acls.resolve(a.secretId())).as("B's stored hash is not A's").isEmpty();
        assertThat(acls.resolve(b.secretId())).map(t -> t.accessorId()).hasValue(b.token().accessorId());
    }

    @Test
    void hashesEqualIsTrueOnlyForEqualHashes() {
        String h = Secrets.sha256Hex("x");
        assertThat(Secrets.hashesEqual(h, Secrets.sha256Hex("x"))).isTrue();
        assertThat(Secrets.hashesEqual(h, Secrets.sha256Hex("y"))).isFalse();
        assertThat(Secrets.hashesEqual(h, h.substring(1))).isFalse();
    }

    /** What {@code javap -c -p} says each method of meshfed's main classes invokes. */
    private static Map<String, List<String>> parsed;

    /** Parsed once per run: javap over every class takes seconds. */
    static synchronized Map<String, List<String>> invocations() throws Exception {
        if (parsed == null) {
            parsed = disassemble();
        }
        return parsed;
    }

    private static Map<String, List<String>> disassemble() throws Exception {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(() -> new AssertionError("javap missing"));
        List<String> classes = new ArrayList<>();
        for (Path root : List.of(Path.of("target/classes"), Path.of("../core/target/classes"))) {
            assertThat(root).as("compiled classes of " + root).isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".class")).forEach(p -> classes.add(p.toString()));
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int from = 0; from < classes.size(); from += 200) {
            List<String> args = new ArrayList<>(List.of("-c", "-p"));
            args.addAll(classes.subList(from, Math.min(classes.size(), from + 200)));
            StringWriter text = new StringWriter();
            int rc = javap.run(new PrintWriter(text), new PrintWriter(new StringWriter()), args.toArray(String[]::new));
            assertThat(rc).isZero();
            String cls = "";
            String method = null;
            for (String line : text.toString().split("\n")) {
                if (line.matches("^(public |final |abstract |sealed |non-sealed )*(class|interface|enum|record) .*")
                        || line.matches("^.*(class|interface) [\\w.$]+.*\\{$") && !line.startsWith(" ")) {
                    cls = line.replaceAll(".*(class|interface) ([\\w.$]+).*", "$2");
                    method = null;
                } else if (line.startsWith("  ") && !line.startsWith("   ")) {
                    // a member: a method, a field or the static initializer ("static {};")
                    method = cls + " " + line.trim();
                    out.putIfAbsent(method, new ArrayList<>());
                } else if (method != null && line.contains("// Method ") || method != null && line.contains("// InterfaceMethod ")) {
                    out.get(method).add(line.replaceAll(".*// (Interface)?Method ", ""));
                }
            }
        }
        return out;
    }

    private static final List<String> VARIABLE_TIME = List.of("java/lang/String.equals:", "java/lang/String.compareTo",
            "java/lang/String.contentEquals", "java/lang/String.equalsIgnoreCase", "java/util/Arrays.equals",
            "java/util/Objects.equals", "java/lang/String.startsWith", "java/lang/String.regionMatches");

    @Test
    void everyMethodHandlingASecretOrItsStoredHashComparesOnlyThroughMessageDigestIsEqual() throws Exception {
        Map<String, List<String>> methods = invocations();
        assertThat(methods).as("javap parsed").hasSizeGreaterThan(500);

        List<String> handling = new ArrayList<>();
        List<String> offenders = new ArrayList<>();
        methods.forEach((method, calls) -> {
            boolean handles = calls.stream().anyMatch(c -> c.startsWith("dev/meshfed/core/acl/AclToken.secretSha256:")
                    || c.startsWith("dev/meshfed/app/auth/Token.secret:")
                    || c.startsWith("dev/meshfed/core/acl/Secrets.hashesEqual:"));
            if (handles) {
                handling.add(method);
                calls.stream().filter(c -> VARIABLE_TIME.stream().anyMatch(c::startsWith))
                        .forEach(c -> offenders.add(method + " calls " + c));
            }
        });
        assertThat(handling).as("the methods the check covers").anyMatch(m -> m.contains("AclService") && m.contains("lambda$resolve"));
        // reviewed exceptions: the String.equals there compares public identifiers, never a secret
        Map<String, String> reviewed = Map.of(
                "dev.meshfed.core.acl.AclService public dev.meshfed.core.acl.AclToken updateToken(",
                "compares AccessorIDs (URL against body, against the anonymous accessor); its SecretID check is"
                        + " Secrets.hashesEqual");
        reviewed.keySet().forEach(m -> assertThat(offenders).as("a reviewed exception still exists: " + m)
                .anyMatch(o -> o.startsWith(m)));
        assertThat(offenders).filteredOn(o -> reviewed.keySet().stream().noneMatch(o::startsWith)).isEmpty();
        assertThat(calls(methods, "dev.meshfed.core.acl.AclService", "updateToken"))
                .anyMatch(c -> c.startsWith("dev/meshfed/core/acl/Secrets.hashesEqual:"));

        assertThat(calls(methods, "dev.meshfed.core.acl.Secrets", "hashesEqual"))
                .anyMatch(c -> c.startsWith("java/security/MessageDigest.isEqual:"));
        assertThat(calls(methods, "dev.meshfed.app.auth.Token", "equals"))
                .anyMatch(c -> c.startsWith("java/security/MessageDigest.isEqual:"));
        // resolution's second check is Secrets.hashesEqual
        assertThat(methods.entrySet().stream().filter(e -> e.getKey().startsWith("dev.meshfed.core.acl.AclService ")
                && e.getKey().contains("lambda$resolve")).flatMap(e -> e.getValue().stream()))
                .anyMatch(c -> c.startsWith("dev/meshfed/core/acl/Secrets.hashesEqual:"));
        // a forwarded write's fingerprint (it covers the caller's token) is compared in constant time
        assertThat(methods.entrySet().stream().filter(e -> e.getKey().startsWith("dev.meshfed.app.forwarding.PrimaryWrites "))
                .flatMap(e -> e.getValue().stream())).anyMatch(c -> c.startsWith("java/security/MessageDigest.isEqual:"));
    }

    @Test
    void theBytecodeCheckSeesAVariableTimeComparisonWhereOneIsMade() throws Exception {
        // the check can fail: the parser sees a String.equals where the code makes one
        Map<String, List<String>> methods = invocations();
        assertThat(calls(methods, "dev.meshfed.core.acl.AclService", "createToken"))
                .as("createToken compares the accessor with String.equals (not a secret): seen")
                .anyMatch(c -> c.startsWith("java/lang/String.equals:"));
    }

    private static List<String> calls(Map<String, List<String>> methods, String cls, String name) {
        List<String> out = new ArrayList<>();
        methods.forEach((m, c) -> {
            if (m.startsWith(cls + " ") && m.matches(".*[ .]" + name + "\\(.*")) {
                out.addAll(c);
            }
        });
        assertThat(out).as(cls + "." + name + " found").isNotEmpty();
        return out;
    }

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
