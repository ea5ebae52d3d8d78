package dev.meshfed.core.acl;

import java.time.Instant;
import java.util.Objects;

/**
 * A small primary-owned item that points at another: a secret's SHA-256 to its token's accessor (so
 * a request's token resolves with one read by key, not a scan), a policy name to its ID (so names
 * stay unique under concurrent creates, through a conditional create), and the bootstrap marker
 * to the first management token.
 *
 * <p>Link and target are two single-item writes (global tables have no cross-region
 * transactions), ordered so a half-finished write is harmless: the link is created before its
 * target and deleted after it, and every read through a link checks the target points back.
 *
 * @param target the ID the link points at
 */
public record AclLink(String target, Instant createdAt) {
    public AclLink {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
