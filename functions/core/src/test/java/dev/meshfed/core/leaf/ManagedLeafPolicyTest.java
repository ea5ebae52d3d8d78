package dev.meshfed.core.leaf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.custody.WrappedKey;
import dev.meshfed.core.leaf.ManagedLeafPolicy.Action;
import dev.meshfed.core.leaf.ManagedLeafPolicy.Decision;
import dev.meshfed.core.leaf.ManagedLeafPolicy.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManagedLeafPolicyTest {

    private static final Instant ISSUED = Instant.parse("2026-06-01T12:00:00Z");
    private static final String OLD_SIGNER = "2d:09:aa";
    private static final String NEW_SIGNER = "7c:41:bb";
    private static final WrappedKey KEY = new WrappedKey("local-aes-gcm-v1", "EC", null, new byte[] {1, 2, 3});

    /** A 72 h leaf from {@link #OLD_SIGNER}, RotateAfter at 75 %, last asked for one hour in. */
    private static ManagedLeaf leaf(Instant reissueAt) {
        return new ManagedLeaf("web", "accessor-1", "5f:0a", "-----BEGIN CERTIFICATE-----\n", KEY, OLD_SIGNER,
                ISSUED.plus(Duration.ofHours(72)), ISSUED.plus(Duration.ofHours(54)), reissueAt,
                ISSUED.plus(Duration.ofHours(1)));
    }

    private static final ManagedLeaf LEAF = leaf(null);

    @Test
    void aLeafFromTheCurrentSignerBeforeRotateAfterIsReused() {
        Decision d = ManagedLeafPolicy.decide(LEAF, ISSUED.plus(Duration.ofHours(2)), OLD_SIGNER);
        assertThat(d).isEqualTo(new Decision(Reason.CURRENT, true));
        assertThat(d.action()).isEqualTo(Action.REUSE);
        assertThat(d.reuse()).isTrue();
    }

    @Test
    void atRotateAfterItIsReplacedAndOneNanosecondEarlierItIsReused() {
        Instant rotateAfter = LEAF.rotateAfter();
        assertThat(ManagedLeafPolicy.decide(LEAF, rotateAfter.minusNanos(1), OLD_SIGNER).reason()).isEqualTo(Reason.CURRENT);
        assertThat(ManagedLeafPolicy.decide(LEAF, rotateAfter, OLD_SIGNER))
                .isEqualTo(new Decision(Reason.ROTATE_AFTER_REACHED, true));
    }

    @Test
    void afterASignerChangeItIsReusedUntilItsReissueSlotAndReplacedAtIt() {
        Instant slot = ISSUED.plus(Duration.ofHours(10));
        ManagedLeaf withSlot = leaf(slot);
        assertThat(ManagedLeafPolicy.decide(withSlot, slot.minusNanos(1), NEW_SIGNER))
                .isEqualTo(new Decision(Reason.AWAITING_REISSUE_SLOT, true));
        assertThat(ManagedLeafPolicy.decide(withSlot, slot, NEW_SIGNER))
                .isEqualTo(new Decision(Reason.REISSUE_SLOT_REACHED, true));
    }

    @Test
    void theEarlierOfRotateAfterAndTheSlotWins() {
        ManagedLeaf slotAfterRotateAfter = leaf(ISSUED.plus(Duration.ofHours(60)));
        assertThat(ManagedLeafPolicy.decide(slotAfterRotateAfter, ISSUED.plus(Duration.ofHours(54)), NEW_SIGNER).reason())
                .isEqualTo(Reason.ROTATE_AFTER_REACHED);
    }

    @Test
    void aSlotIsHonouredEvenWhenTheSignerIsTheSameAgain() {
        ManagedLeaf withSlot = leaf(ISSUED.plus(Duration.ofHours(10)));
        assertThat(ManagedLeafPolicy.decide(withSlot, ISSUED.plus(Duration.ofHours(10)), OLD_SIGNER).reason())
                .isEqualTo(Reason.REISSUE_SLOT_REACHED);
    }

    @Test
    void anOlderSignerWithoutASlotIsReplacedAtOnce() {
        assertThat(ManagedLeafPolicy.decide(LEAF, ISSUED.plus(Duration.ofHours(2)), NEW_SIGNER))
                .isEqualTo(new Decision(Reason.SIGNER_CHANGED, true));
    }

    @Test
    void atNotAfterTheLeafIsStillValidAndOneNanosecondLaterItHasExpired() {
        ManagedLeaf usedLate = new ManagedLeaf("web", "accessor-1", "5f:0a", "pem", KEY, OLD_SIGNER,
                ISSUED.plus(Duration.ofHours(72)), ISSUED.plus(Duration.ofHours(54)), null, ISSUED.plus(Duration.ofHours(70)));
        Instant notAfter = usedLate.notAfter();
        assertThat(ManagedLeafPolicy.decide(usedLate, notAfter, OLD_SIGNER))
                .isEqualTo(new Decision(Reason.ROTATE_AFTER_REACHED, true));
        assertThat(ManagedLeafPolicy.decide(usedLate, notAfter.plusNanos(1), OLD_SIGNER))
                .isEqualTo(new Decision(Reason.EXPIRED, false));
    }

    @Test
    void seventyTwoHoursUnusedDropsItEvenWhileItIsStillValid() {
        ManagedLeaf longLived = new ManagedLeaf("web", "accessor-1", "5f:0a", "pem", KEY, OLD_SIGNER,
                ISSUED.plus(Duration.ofDays(30)), ISSUED.plus(Duration.ofDays(20)), null, ISSUED);
        Instant unused = ISSUED.plus(ManagedLeafPolicy.UNUSED_LIFETIME);
        assertThat(ManagedLeafPolicy.unusedSince(longLived)).isEqualTo(unused);
        assertThat(ManagedLeafPolicy.decide(longLived, unused.minusNanos(1), OLD_SIGNER).reason()).isEqualTo(Reason.CURRENT);
        Decision d = ManagedLeafPolicy.decide(longLived, unused, OLD_SIGNER);
        assertThat(d).isEqualTo(new Decision(Reason.UNUSED, true));
        assertThat(d.action()).isEqualTo(Action.DROP);
    }

    @Test
    void anUnusedLeafIsDroppedRatherThanReissuedAfterASignerChange() {
        ManagedLeaf withSlot = leaf(ISSUED.plus(Duration.ofHours(80)));
        assertThat(ManagedLeafPolicy.decide(withSlot, ISSUED.plus(Duration.ofHours(73)), NEW_SIGNER))
                .isEqualTo(new Decision(Reason.UNUSED, false));
    }

    @Test
    void everyReasonBelongsToExactlyTheActionItNames() {
        assertThat(Reason.UNUSED.action()).isEqualTo(Action.DROP);
        assertThat(Reason.EXPIRED.action()).isEqualTo(Action.REPLACE);
        assertThat(Reason.ROTATE_AFTER_REACHED.action()).isEqualTo(Action.REPLACE);
        assertThat(Reason.REISSUE_SLOT_REACHED.action()).isEqualTo(Action.REPLACE);
        assertThat(Reason.SIGNER_CHANGED.action()).isEqualTo(Action.REPLACE);
        assertThat(Reason.AWAITING_REISSUE_SLOT.action()).isEqualTo(Action.REUSE);
        assertThat(Reason.CURRENT.action()).isEqualTo(Action.REUSE);
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> ManagedLeafPolicy.decide(LEAF, ISSUED, null))
                .isInstanceOf(NullPointerException.class).hasMessage("current signing key id must not be null");
        assertThatThrownBy(() -> ManagedLeafPolicy.decide(null, ISSUED, OLD_SIGNER))
                .isInstanceOf(NullPointerException.class).hasMessage("managed leaf must not be null");
    }
}
