package dev.meshfed.app.auth;

import dev.meshfed.core.error.NotAuthorized;

/**
 * The port every endpoint asks before it acts: who does this token belong to, and does it grant
 * this permission? {@link #caller} resolves a token or throws {@link NotAuthorized} with Consul's
 * {@code ACL not found} ({@link PermissionDenied#aclNotFound()}); the permission methods return
 * the token's {@link Accessor} (which a managed leaf is then kept under) or throw Consul's 403
 * text. Implementations never log or echo the secret.
 *
 * <p>The permissions are Consul's: {@code service}, {@code intention}, {@code operator},
 * {@code acl} and {@code mesh}, each read or write. {@link AclsOff} allows everything;
 * {@code dev.meshfed.app.acl.AclAuthorizer} decides from tokens and policies replicated from the
 * primary.
 */
public interface Authorizer {

    /**
     * The caller whose token this is; the anonymous token for {@link Token#ANONYMOUS}.
     *
     * @throws NotAuthorized {@code ACL not found} when the token does not resolve (unknown or deleted)
     */
    Caller caller(Token token);

    /** Whether tokens decide; false while ACLs are off. */
    boolean enforcing();

    /** {@code service:write} on {@code service}: sign a CSR for it, get its managed leaf, authorize calls to it. */
    default Accessor serviceWrite(Token token, String service) {
        return caller(token).serviceWrite(service);
    }

    /** {@code mesh:write}: mesh-wide configuration. */
    default Accessor meshWrite(Token token) {
        return caller(token).meshWrite();
    }

    /** {@code operator:read}: CA configuration reads, enrolment key, replication status. */
    default Accessor operatorRead(Token token) {
        return caller(token).operatorRead();
    }

    /** {@code operator:write}: CA configuration writes, rotation requests, membership in {@code meshfed dev}. */
    default Accessor operatorWrite(Token token) {
        return caller(token).operatorWrite();
    }
}
