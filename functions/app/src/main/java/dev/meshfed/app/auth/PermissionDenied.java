package dev.meshfed.app.auth;

import dev.meshfed.core.error.NotAuthorized;

/**
 * Consul's 403 texts, built the way Consul's {@code acl.PermissionDeniedError} builds them:
 *
 * <pre>
 * Permission denied: token with AccessorID '&lt;id&gt;' lacks permission 'service:write' on "web"
 * Permission denied: anonymous token lacks permission 'operator:read'. The anonymous token is used implicitly when a request does not specify a token.
 * ACL not found
 * </pre>
 */
public final class PermissionDenied {

    /** Consul's text for a token that does not resolve. */
    public static final String ACL_NOT_FOUND = "ACL not found";
    /** The prefix of every permission-denied text. */
    public static final String PERMISSION_DENIED = "Permission denied";

    private static final String ANONYMOUS_HINT =
            ". The anonymous token is used implicitly when a request does not specify a token.";

    private PermissionDenied() {
    }

    /** {@code accessor} lacks {@code resource:access} (for example {@code service:write}) on {@code name}. */
    public static NotAuthorized lacks(Accessor accessor, String resource, String access, String name) {
        return new NotAuthorized(text(accessor, resource, access, name));
    }

    /** {@code accessor} lacks a permission that names no resource, such as {@code operator:read}. */
    public static NotAuthorized lacks(Accessor accessor, String resource, String access) {
        return new NotAuthorized(text(accessor, resource, access, null));
    }

    /** The token does not resolve (unknown or deleted): Consul's {@code ACL not found}. */
    public static NotAuthorized aclNotFound() {
        return new NotAuthorized(ACL_NOT_FOUND);
    }

    static String text(Accessor accessor, String resource, String access, String name) {
        StringBuilder m = new StringBuilder(PERMISSION_DENIED).append(": ");
        if (accessor.anonymous()) {
            m.append("anonymous token");
        } else {
            m.append("token with AccessorID '").append(accessor.accessorId()).append('\'');
        }
        m.append(" lacks permission '").append(resource).append(':').append(access).append('\'');
        if (name != null && !name.isEmpty()) {
            m.append(" on \"").append(name).append('"');
        }
        if (accessor.anonymous()) {
            m.append(ANONYMOUS_HINT);
        }
        return m.toString();
    }
}
