package dev.meshfed.app.auth;

import dev.meshfed.core.error.NotAuthorized;

/**
 * The port every endpoint asks before it acts: does this token grant this permission? Each method
 * either returns the token's {@link Accessor} (which a managed leaf is then kept under) or throws
 * {@link NotAuthorized} with Consul's 403 text ({@link PermissionDenied}); an unknown token is
 * {@link PermissionDenied#aclNotFound()}. Implementations never log or echo the secret.
 *
 * <p>The permissions are Consul's: {@code service:write} on a service name, {@code mesh:write},
 * {@code operator:read} and {@code operator:write}. {@link AclsOff} allows everything; the ACL
 * system (tokens and policies replicated from the primary) arrives with its own issue.
 */
public interface Authorizer {

    /** {@code service:write} on {@code service}: sign a CSR for it, get its managed leaf, authorize calls to it. */
    Accessor serviceWrite(Token token, String service);

    /** {@code mesh:write}: mesh-wide configuration. */
    Accessor meshWrite(Token token);

    /** {@code operator:read}: CA configuration reads, enrolment key, replication status. */
    Accessor operatorRead(Token token);

    /** {@code operator:write}: CA configuration writes, rotation requests, membership in {@code meshfed dev}. */
    Accessor operatorWrite(Token token);
}
