package dev.meshfed.app.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The secret a request presented (a Consul token's {@code SecretID}), or none: {@link #ANONYMOUS}.
 * {@link #toString()} never shows the secret, and {@link #equals} compares in constant time.
 */
public final class Token {

    /** No token: the request acts as Consul's anonymous token. */
    public static final Token ANONYMOUS = new Token("");

    private final String secret;

    private Token(String secret) {
        this.secret = secret;
    }

    /** The token with {@code secret}; {@code ""} gives {@link #ANONYMOUS}. Validation is the caller's ({@code Tokens}). */
    public static Token of(String secret) {
        Objects.requireNonNull(secret, "secret");
        return secret.isEmpty() ? ANONYMOUS : new Token(secret);
    }

    /** The secret; {@code ""} for {@link #ANONYMOUS}. Never log it. */
    public String secret() {
        return secret;
    }

    public boolean anonymous() {
        return secret.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Token other && MessageDigest.isEqual(
                secret.getBytes(StandardCharsets.UTF_8), other.secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // no hash of a secret; tokens are not map keys
    }

    @Override
    public String toString() {
        return anonymous() ? "Token[anonymous]" : "Token[redacted]";
    }
}
