package dev.meshfed.app.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.NotAuthorized;
import org.junit.jupiter.api.Test;

class AuthorizerTest {

    private final Authorizer acls = new AclsOff();

    @Test
    void aclsOffAllowsEveryPermissionAsTheAnonymousAccessorWhateverTheToken() {
        for (Token token : new Token[] {Token.ANONYMOUS, Token.of("8f2e0a3c-4a5b-4c6d-9e7f-0a1b2c3d4e5f")}) {
            assertThat(acls.serviceWrite(token, "web")).isEqualTo(Accessor.ANONYMOUS);
            assertThat(acls.meshWrite(token)).isEqualTo(Accessor.ANONYMOUS);
            assertThat(acls.operatorRead(token)).isEqualTo(Accessor.ANONYMOUS);
            assertThat(acls.operatorWrite(token)).isEqualTo(Accessor.ANONYMOUS);
        }
    }

    @Test
    void anonymousAccessorIsConsulsFixedAnonymousTokenId() {
        assertThat(Accessor.ANONYMOUS.accessorId()).isEqualTo("00000000-0000-0000-0000-000000000002");
        assertThat(Accessor.ANONYMOUS.anonymous()).isTrue();
        assertThat(new Accessor("b1c2").anonymous()).isFalse();
    }

    @Test
    void aclsOffStillRefusesANullTokenAsAProgrammingError() {
        assertThatThrownBy(() -> acls.serviceWrite(null, "web")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void permissionDeniedTextsAreConsuls() {
        NotAuthorized named = PermissionDenied.lacks(new Accessor("b1c2-d3"), "service", "write", "web");
        assertThat(named).hasMessage("Permission denied: token with AccessorID 'b1c2-d3' lacks permission 'service:write' on \"web\"");
        NotAuthorized unnamed = PermissionDenied.lacks(new Accessor("b1c2-d3"), "operator", "read");
        assertThat(unnamed).hasMessage("Permission denied: token with AccessorID 'b1c2-d3' lacks permission 'operator:read'");
        NotAuthorized anonymous = PermissionDenied.lacks(Accessor.ANONYMOUS, "mesh", "write");
        assertThat(anonymous).hasMessage("Permission denied: anonymous token lacks permission 'mesh:write'. "
                + "The anonymous token is used implicitly when a request does not specify a token.");
        assertThat(PermissionDenied.aclNotFound()).hasMessage("ACL not found");
    }
}
