package dev.meshfed.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.store.Table;
import dev.meshfed.testkit.store.StoreSamples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A federation over a data directory: restart keeps everything, a crash loses nothing acknowledged. */
class DurableFederationTest {
    private final MutableClock clock = MutableClock.atDefaultStart();
    @TempDir
    Path dir;

    private EmbeddedFederation open(String... dcs) {
        return EmbeddedFederation.open(List.of(dcs), "dc1", clock, dir);
    }

    @Test
    void aRestartKeepsEveryTableOfEveryDc() {
        EmbeddedFederation fed = open("dc1", "dc2");
        var bundle = StoreSamples.rotatedBundle(clock.instant());
        fed.dc("dc1").caStore().putBundle(bundle, 0);
        fed.dc("dc2").privateStore().bumpChangeIndex();
        fed.settle();
        List<Replicated> ca2 = fed.dc("dc2").table(Table.CA).replicationSnapshot();
        fed.close();
        fed.close(); // idempotent

        EmbeddedFederation reopened = open("dc1", "dc2");
        assertThat(reopened.dataDir()).contains(dir);
        assertThat(reopened.dc("dc2").caStore().bundle(false).orElseThrow().value()).isEqualTo(bundle);
        assertThat(reopened.dc("dc2").table(Table.CA).replicationSnapshot()).containsExactlyElementsOf(ca2);
        assertThat(reopened.dc("dc2").privateStore().changeIndex()).isEqualTo(1);
        assertThat(reopened.dc("dc1").privateStore().changeIndex()).isZero();
        reopened.dc("dc1").caStore().putBundle(bundle, 1); // versions carried on
        reopened.close();
    }

    @Test
    void aWriteStillQueuedForReplicationReachesTheOtherDcsOnOpen() {
        EmbeddedFederation fed = open("dc1", "dc2", "dc3");
        fed.dc("dc1").caStore().putMembership(new Membership(List.of()), 0);
        fed.settle();
        fed.partition("dc3");
        fed.dc("dc1").caStore().putMembership(new Membership(List.of(new Membership.Member("dc2", "k"))), 1);
        // dc3 never heard of version 2, and nothing is settled before the "crash"
        fed.close();

        EmbeddedFederation reopened = open("dc1", "dc2", "dc3");
        for (String dc : List.of("dc1", "dc2", "dc3")) {
            assertThat(reopened.dc(dc).caStore().membership(false).orElseThrow().version()).as(dc).isEqualTo(2);
        }
        reopened.close();
        // anti-entropy journaled what it applied: it holds without the source
        Path ca3 = dir.resolve("dc3").resolve("ca.log");
        assertThat(ca3).exists();
        EmbeddedTable dc3Alone = EmbeddedTable.durable(Table.CA, "dc3", clock, ca3, ReplicaJournal.COMPACT_AFTER_BYTES);
        assertThat(dc3Alone.snapshot()).extracting(i -> i.version()).containsExactly(2L);
        dc3Alone.closeJournal();
    }

    @Test
    void aSecondOpenerIsRefusedUntilTheFirstCloses() {
        EmbeddedFederation fed = open("dc1", "dc2");
        assertThatThrownBy(() -> open("dc1", "dc2")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by another meshfed dev");
        fed.close();
        open("dc1", "dc2").close();
    }

    @Test
    void aSecondProcessIsRefusedByTheLock() throws Exception {
        Process holder = java("hold", dir.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> open("dc1", "dc2")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        open("dc1", "dc2").close(); // the OS released the lock with the process
    }

    @Test
    void anotherPrimaryOrADroppedDcIsRefusedAndAddingADcIsAllowed() {
        open("dc1", "dc2").close();
        assertThatThrownBy(() -> EmbeddedFederation.open(List.of("dc1", "dc2"), "dc2", clock, dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary is dc1, not dc2");
        assertThatThrownBy(() -> open("dc1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[dc2]").hasMessageContaining("cannot be dropped");
        EmbeddedFederation grown = open("dc1", "dc2", "dc3");
        grown.addDatacenter("dc4");
        grown.close();
        assertThatThrownBy(() -> open("dc1", "dc2", "dc3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[dc4]");
        open("dc1", "dc2", "dc3", "dc4").close(); // a refused open left the directory unlocked
    }

    @Test
    void theDataDirectoryAndItsFilesAreOwnerOnly() throws IOException {
        Path nested = dir.resolve("not").resolve("yet");
        EmbeddedFederation fed = EmbeddedFederation.open(List.of("dc1"), "dc1", clock, nested);
        fed.close();
        if (!DataDirectory.posix(nested)) {
            return;
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("dc1"))))
                .isEqualTo("rwx------");
        for (String f : List.of("lock", "federation.properties", "dc1/ca.log", "dc1/intentions.log", "dc1/private.log")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve(f)))).as(f)
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void inMemoryFederationsHaveNoDataDirectory() {
        EmbeddedFederation fed = new EmbeddedFederation(List.of("dc1"), "dc1", clock);
        assertThat(fed.dataDir()).isEmpty();
        assertThat(fed.dc("dc1").table(Table.CA).journal()).isNull();
        fed.close();
        fed.close();
    }

    @Test
    void everyAcknowledgedWriteSurvivesAHardCrashAndReachesEveryDc() throws Exception {
        int n = 40;
        Process writer = java("crash", dir.toString(), Integer.toString(n));
        List<String> acks = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                acks.add(line);
            }
        }
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as(String.join("\n", acks)).isEqualTo(137);
        assertThat(acks).hasSize(n + 2).last().isEqualTo("ack delete 1");

        EmbeddedFederation fed = open("dc1", "dc2");
        for (String dc : List.of("dc1", "dc2")) {
            EmbeddedTable ca = fed.dc(dc).table(Table.CA);
            for (int i = 0; i < n; i++) {
                if (i == 1) {
                    assertThat(ca.get(CrashingWriter.key(i), true)).as(dc + " deleted item").isEmpty();
                } else {
                    assertThat(ca.get(CrashingWriter.key(i), true)).as(dc + " item " + i).isPresent();
                }
            }
            assertThat(fed.dc(dc).table(Table.INTENTIONS).snapshot()).as(dc).hasSize(1);
        }
        fed.close();
    }

    private static Process java(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
