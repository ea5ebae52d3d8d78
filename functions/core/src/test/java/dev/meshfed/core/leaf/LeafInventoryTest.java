package dev.meshfed.core.leaf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.pki.SignedLeaf;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class LeafInventoryTest {

    private static final Instant NOT_BEFORE = Instant.parse("2026-06-01T11:59:00Z");
    private static final SpiffeId.Service WEB = new SpiffeId.Service("11111111-2222-3333-4444-555555555555.consul", null,
            null, "dc2", "web");
    /** A serial whose first byte has the top bit set: colon-hex must not show Java's sign byte. */
    private static final BigInteger SERIAL = new BigInteger("8f0a00000000000000000000000000ff", 16);
    private static final SignedLeaf LEAF = new SignedLeaf(WEB, SERIAL, new byte[] {0x30}, "pem\n", NOT_BEFORE,
            NOT_BEFORE.plus(Duration.ofHours(72)));

    @Test
    void aClientLeafIsRecordedWithColonHexSerialSpiffeIdSignerAndValidity() {
        LeafRecord record = LeafInventory.record(LEAF, "2d:09:aa", null);
        assertThat(record).isEqualTo(new LeafRecord("8f:0a:00:00:00:00:00:00:00:00:00:00:00:00:00:ff",
                "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc2/svc/web", "2d:09:aa",
                NOT_BEFORE, NOT_BEFORE.plus(Duration.ofHours(72)), null));
    }

    @Test
    void aManagedLeafIsRecordedWithItsTokenAccessor() {
        assertThat(LeafInventory.record(LEAF, "2d:09:aa", "accessor-1").managedBy()).isEqualTo("accessor-1");
    }

    @Test
    void rotateAfterFallsBetweenSixtyAndNinetyPercentOfTheLifetime() {
        RandomGenerator lowest = () -> 0L; // nextDouble() == 0.0
        assertThat(LeafInventory.rotateAfter(LEAF, lowest)).isEqualTo(NOT_BEFORE.plus(Duration.ofMinutes(2592))); // 43.2 h
    }
}
