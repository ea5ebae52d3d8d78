package dev.meshfed.app.auth;

import dev.meshfed.core.acl.Grants;

import java.util.Objects;

/**
 * The {@link Authorizer} while ACLs are off ({@code MESHFED_ACL=off}, the default of
 * {@code meshfed dev}): every permission is granted and every request acts as
 * {@link Accessor#ANONYMOUS}, whatever token it carries, as Consul does with ACLs disabled.
 */
public final class AclsOff implements Authorizer {

    private static final Caller EVERYONE = new Caller(Accessor.ANONYMOUS, Grants.globalManagement());

    @Override
    public Caller caller(Token token) {
        Objects.requireNonNull(token, "token");
        return EVERYONE;
    }

    @Override
    public boolean enforcing() {
        return false;
    }
}
