package dev.meshfed.core.ratelimit;

import java.time.Instant;
import java.util.Objects;

/**
 * One slot of a DC's CSR concurrency limit ({@code <dc>#csr-lease#<slot>}), as stored: who held it
 * last, until when, and whether it was given back.
 *
 * <p>A slot item is never deleted. Releasing writes a new version with {@code releasedAt} set, so
 * versions keep growing and a late release (a retried write, or a holder whose lease already
 * expired and was taken over) fails its condition instead of freeing someone else's slot.
 *
 * @param acquiredAt when the holder took the slot
 * @param expiresAt when the slot frees itself if never released (a crashed or timed-out signer)
 * @param releasedAt when the holder gave it back, or null while held
 */
public record CsrLease(Instant acquiredAt, Instant expiresAt, Instant releasedAt) {
    public CsrLease {
        Objects.requireNonNull(acquiredAt, "acquired-at must not be null");
        Objects.requireNonNull(expiresAt, "expires-at must not be null");
        if (expiresAt.isBefore(acquiredAt)) {
            throw new IllegalArgumentException("lease expires at " + expiresAt + ", before it was acquired at " + acquiredAt);
        }
    }

    /** Whether the slot is taken at {@code now}: not released and {@code now < expiresAt}. */
    public boolean heldAt(Instant now) {
        return releasedAt == null && now.isBefore(expiresAt);
    }

    /** This lease given back at {@code at}. */
    public CsrLease releasedAt(Instant at) {
        return new CsrLease(acquiredAt, expiresAt, Objects.requireNonNull(at, "release time must not be null"));
    }
}
