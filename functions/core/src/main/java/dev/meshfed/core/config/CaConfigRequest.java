package dev.meshfed.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded {@code PUT /v1/connect/ca/configuration} body:
 * {@code {"Provider":"consul","Config":{...},"ForceWithoutCrossSigning":false}}.
 *
 * <p>A command, not a record to keep: persist {@link #config()}, hand
 * {@link #suppliedPrivateKey()} to key custody, and let this object go. Its {@link #toString()}
 * never prints the key.
 */
public final class CaConfigRequest {

    /** The only provider meshfed accepts: its own built-in CA, wire-compatible with Consul's. */
    public static final String PROVIDER_CONSUL = "consul";

    private final String provider;
    private final CaConfig config;
    private final boolean forceWithoutCrossSigning;
    private final SuppliedPrivateKey suppliedPrivateKey;
    private final List<String> ignoredKeys;

    CaConfigRequest(String provider, CaConfig config, boolean forceWithoutCrossSigning,
                    SuppliedPrivateKey suppliedPrivateKey, List<String> ignoredKeys) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.config = Objects.requireNonNull(config, "config");
        this.forceWithoutCrossSigning = forceWithoutCrossSigning;
        this.suppliedPrivateKey = suppliedPrivateKey;
        this.ignoredKeys = List.copyOf(ignoredKeys);
        if ((suppliedPrivateKey == null) != config.suppliedRoot().isEmpty()) {
            throw new IllegalArgumentException("a supplied root and its private key come together");
        }
    }

    /** Always {@value #PROVIDER_CONSUL}: the decoder refuses every other provider. */
    public String provider() {
        return provider;
    }

    /** The decoded configuration (defaults applied, not yet validated). */
    public CaConfig config() {
        return config;
    }

    /**
     * {@code ForceWithoutCrossSigning}, from either spelling. Recorded on the rotation request a
     * change that needs a new root makes: the new root is then not cross-signed by the old one.
     * It is not part of the stored configuration.
     */
    public boolean forceWithoutCrossSigning() {
        return forceWithoutCrossSigning;
    }

    /** The private key of {@link CaConfig#suppliedRoot()}: present exactly when a root was supplied. */
    public Optional<SuppliedPrivateKey> suppliedPrivateKey() {
        return Optional.ofNullable(suppliedPrivateKey);
    }

    /**
     * {@code Config} keys meshfed does not know, sorted; they are neither stored nor echoed (worth
     * a log line with the names, never the values).
     */
    public List<String> ignoredKeys() {
        return ignoredKeys;
    }

    /** Every field, the private key only as {@code supplied, redacted}. */
    @Override
    public String toString() {
        return "CaConfigRequest[Provider=" + provider + ", Config=" + config
                + ", ForceWithoutCrossSigning=" + forceWithoutCrossSigning
                + ", PrivateKey=" + (suppliedPrivateKey == null ? "none" : "supplied, redacted")
                + ", IgnoredKeys=" + ignoredKeys + "]";
    }
}
