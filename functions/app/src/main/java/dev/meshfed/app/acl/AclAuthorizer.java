package dev.meshfed.app.acl;

import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.auth.Caller;
import dev.meshfed.app.auth.PermissionDenied;
import dev.meshfed.app.auth.Token;
import dev.meshfed.core.acl.AclService;

import java.util.Objects;

/**
 * The {@link Authorizer} with ACLs on: a token resolves through this DC's replica of the tokens
 * and policies ({@link AclService#resolve}); an unknown or deleted token is Consul's 403
 * {@code ACL not found}; no token is the anonymous token, which grants nothing unless an operator
 * gave it policies. Every permission then follows Consul's rule resolution ({@code Grants}).
 */
public final class AclAuthorizer implements Authorizer {

    private final AclService acls;

    public AclAuthorizer(AclService acls) {
        this.acls = Objects.requireNonNull(acls, "acls");
    }

    @Override
    public Caller caller(Token token) {
        Objects.requireNonNull(token, "token");
        return acls.resolve(token.secret()).map(r -> new Caller(new Accessor(r.accessorId()), r.grants()))
                .orElseThrow(PermissionDenied::aclNotFound);
    }

    @Override
    public boolean enforcing() {
        return true;
    }
}
