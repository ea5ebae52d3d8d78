package dev.meshfed.core.leaf;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a stored managed leaf may be served again (api.md, {@code GET /v1/agent/connect/ca/leaf};
 * certificates.md, Rotation steps 4 and 5). Pure: the caller supplies the instant and the DC's
 * current signing key ID.
 *
 * <p>The rules, checked in this order; the first that applies decides:
 * <ol>
 *   <li>{@link Reason#UNUSED}: nobody asked for it for {@link #UNUSED_LIFETIME} ({@code now >=
 *       lastUsedAt + 72 h}) → {@link Action#DROP}. Consul's agent forgets a leaf after the same
 *       72 h without a request ({@code leafcert.DefaultLastGetTTL}); re-issuing it after a signer
 *       change would spend CSR budget on a leaf no one uses.</li>
 *   <li>{@link Reason#EXPIRED}: {@code now > NotAfter} (validity is inclusive) → {@link Action#REPLACE}.</li>
 *   <li>{@link Reason#ROTATE_AFTER_REACHED}: {@code now >= RotateAfter} → replace.</li>
 *   <li>{@link Reason#REISSUE_SLOT_REACHED}: a re-issue slot was assigned after a signer change and
 *       {@code now >= reissueAt} → replace.</li>
 *   <li>{@link Reason#SIGNER_CHANGED}: an older signer issued it and no slot was assigned (yet) →
 *       replace at once, as Consul's agent does when a non-blocking request finds the active root's
 *       key differs.</li>
 *   <li>Otherwise {@link Action#REUSE}: {@link Reason#AWAITING_REISSUE_SLOT} when an older signer
 *       issued it and its slot is still ahead (the spread of step 4: the old chain stays trusted
 *       until then), else {@link Reason#CURRENT}.</li>
 * </ol>
 * Every instant boundary is inclusive on the side of acting: at exactly {@code RotateAfter}, the
 * slot, or {@code lastUsedAt + 72 h}, the leaf is replaced or dropped.
 *
 * <p>On a request, {@code DROP} and {@code REPLACE} both mean "sign a new one". A replacement that
 * the rate limit refuses may fall back to the stored leaf while {@link Decision#stillValid()}:
 * Consul's agent likewise keeps serving its cached leaf when a renewal is rate-limited.
 */
public final class ManagedLeafPolicy {

    /** A managed leaf nobody asked for during this long is dropped (Consul's agent cache: 72 h). */
    public static final Duration UNUSED_LIFETIME = Duration.ofHours(72);

    private ManagedLeafPolicy() {
    }

    /** What to do with the stored leaf. */
    public enum Action {
        /** Serve it again. */
        REUSE,
        /** Sign a new leaf to take its place. */
        REPLACE,
        /** Delete it; a later request gets a new leaf. */
        DROP
    }

    /** Why; each reason belongs to one action. */
    public enum Reason {
        UNUSED(Action.DROP),
        EXPIRED(Action.REPLACE),
        ROTATE_AFTER_REACHED(Action.REPLACE),
        REISSUE_SLOT_REACHED(Action.REPLACE),
        SIGNER_CHANGED(Action.REPLACE),
        AWAITING_REISSUE_SLOT(Action.REUSE),
        CURRENT(Action.REUSE);

        private final Action action;

        Reason(Action action) {
            this.action = action;
        }

        public Action action() {
            return action;
        }
    }

    /**
     * A decision.
     *
     * @param reason the rule that decided
     * @param stillValid whether the stored leaf is valid at the instant decided for
     *     ({@code now <= NotAfter}), so it may still be served if its replacement is refused
     */
    public record Decision(Reason reason, boolean stillValid) {
        public Decision {
            Objects.requireNonNull(reason, "reason must not be null");
        }

        public Action action() {
            return reason.action();
        }

        public boolean reuse() {
            return reason.action() == Action.REUSE;
        }
    }

    /**
     * Decides for {@code leaf} at {@code now}.
     *
     * @param currentSigningKeyId the key ID (colon-hex SKID) of the DC's active signer
     */
    public static Decision decide(ManagedLeaf leaf, Instant now, String currentSigningKeyId) {
        Objects.requireNonNull(leaf, "managed leaf must not be null");
        Objects.requireNonNull(now, "now must not be null");
        Objects.requireNonNull(currentSigningKeyId, "current signing key id must not be null");
        boolean valid = !now.isAfter(leaf.notAfter());
        return new Decision(reason(leaf, now, currentSigningKeyId, valid), valid);
    }

    private static Reason reason(ManagedLeaf leaf, Instant now, String currentSigningKeyId, boolean valid) {
        if (!now.isBefore(unusedSince(leaf))) {
            return Reason.UNUSED;
        }
        if (!valid) {
            return Reason.EXPIRED;
        }
        if (!now.isBefore(leaf.rotateAfter())) {
            return Reason.ROTATE_AFTER_REACHED;
        }
        if (leaf.reissueAt() != null && !now.isBefore(leaf.reissueAt())) {
            return Reason.REISSUE_SLOT_REACHED;
        }
        boolean olderSigner = !currentSigningKeyId.equals(leaf.signingKeyId());
        if (olderSigner && leaf.reissueAt() == null) {
            return Reason.SIGNER_CHANGED;
        }
        return olderSigner ? Reason.AWAITING_REISSUE_SLOT : Reason.CURRENT;
    }

    /** {@code lastUsedAt + 72 h}: from this instant on, the leaf counts as unused. */
    public static Instant unusedSince(ManagedLeaf leaf) {
        return leaf.lastUsedAt().plus(UNUSED_LIFETIME);
    }
}
