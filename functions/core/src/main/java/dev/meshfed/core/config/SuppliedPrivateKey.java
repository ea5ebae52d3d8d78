package dev.meshfed.core.config;

import java.util.Objects;

/**
 * The private key of a {@link SuppliedRoot}, held only between decoding a request and handing the
 * key to key custody (which encrypts it into the private table). It is never part of a
 * {@link CaConfig}, never stored as configuration and never encoded back.
 *
 * <p>{@link #toString()} is redacted and equality is identity, so neither logs nor assertions can
 * print or compare the key by accident.
 */
public final class SuppliedPrivateKey {

    private final String pem;

    SuppliedPrivateKey(String pem) {
        this.pem = Objects.requireNonNull(pem, "pem");
    }

    /**
     * The key as supplied: one unencrypted PEM block ({@code PRIVATE KEY}, {@code EC PRIVATE KEY}
     * or {@code RSA PRIVATE KEY}). Hand it to key custody and to nothing else.
     */
    public String pem() {
        return pem;
    }

    /** Always {@code SuppliedPrivateKey[redacted]}. */
    @Override
    public String toString() {
        return "SuppliedPrivateKey[redacted]";
    }
}
