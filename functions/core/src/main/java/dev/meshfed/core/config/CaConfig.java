package dev.meshfed.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One datacenter's CA configuration: the {@code Config} map of Consul's
 * {@code /v1/connect/ca/configuration}, decoded. Immutable.
 *
 * <p>A value of this class is well-formed (every field present, durations within Go's range,
 * lists unmodifiable) but not necessarily valid: {@link CaConfigValidator#validate(CaConfig)}
 * applies the rules. It never holds a private key: a supplied root is kept as its certificate and
 * hash ({@link SuppliedRoot}), and {@link #toString()} prints only the hash.
 *
 * <p>A {@code PUT} replaces the whole configuration, so every key the request leaves out takes its
 * default, and {@code RootRenewBefore} left out is one fifth of that request's {@code RootCertTTL}.
 */
public final class CaConfig {

    /** Default {@code LeafCertTTL}: 72 hours (Consul's default). */
    public static final Duration DEFAULT_LEAF_CERT_TTL = Duration.ofHours(72);
    /** Default {@code IntermediateCertTTL}: 8760 hours, one year of 365 days (Consul's default). */
    public static final Duration DEFAULT_INTERMEDIATE_CERT_TTL = Duration.ofHours(8760);
    /** Default {@code RootCertTTL}: 87600 hours, ten years of 365 days (Consul's default). */
    public static final Duration DEFAULT_ROOT_CERT_TTL = Duration.ofHours(87600);
    /** Default {@code PrivateKeyType}: {@code ec}. */
    public static final String DEFAULT_PRIVATE_KEY_TYPE = "ec";
    /** Default {@code PrivateKeyBits}: 256 (NIST P-256). */
    public static final int DEFAULT_PRIVATE_KEY_BITS = 256;
    /** Default {@code CSRMaxPerSecond}: 50 signing requests per second per datacenter; 0 disables the limit. */
    public static final double DEFAULT_CSR_MAX_PER_SECOND = 50;
    /** Default {@code CSRMaxConcurrent}: 0, no concurrency limit (it applies only when the rate limit is off). */
    public static final int DEFAULT_CSR_MAX_CONCURRENT = 0;
    /** {@code RootRenewBefore} defaults to {@code RootCertTTL} divided by this (meshfed): the last fifth of a root's life. */
    public static final int ROOT_RENEW_BEFORE_DIVISOR = 5;

    /** {@code PrivateKeyType} value for elliptic-curve keys. */
    public static final String KEY_TYPE_EC = "ec";
    /** {@code PrivateKeyType} value for RSA keys. */
    public static final String KEY_TYPE_RSA = "rsa";

    private static final CaConfig DEFAULTS = builder().build();

    private final Duration leafCertTtl;
    private final Duration intermediateCertTtl;
    private final Duration rootCertTtl;
    private final String privateKeyType;
    private final int privateKeyBits;
    private final double csrMaxPerSecond;
    private final int csrMaxConcurrent;
    private final Duration rootRenewBefore;
    private final List<String> allowedDnsSuffixes;
    private final List<String> allowedIpRanges;
    private final SuppliedRoot suppliedRoot; // null when meshfed generates the root

    private CaConfig(Builder b) {
        this.leafCertTtl = goDuration("LeafCertTTL", b.leafCertTtl);
        this.intermediateCertTtl = goDuration("IntermediateCertTTL", b.intermediateCertTtl);
        this.rootCertTtl = goDuration("RootCertTTL", b.rootCertTtl);
        this.privateKeyType = Objects.requireNonNull(b.privateKeyType, "privateKeyType");
        this.privateKeyBits = b.privateKeyBits;
        this.csrMaxPerSecond = b.csrMaxPerSecond;
        this.csrMaxConcurrent = b.csrMaxConcurrent;
        this.rootRenewBefore = goDuration("RootRenewBefore",
                b.rootRenewBefore != null ? b.rootRenewBefore : defaultRootRenewBefore(rootCertTtl));
        this.allowedDnsSuffixes = List.copyOf(b.allowedDnsSuffixes);
        this.allowedIpRanges = List.copyOf(b.allowedIpRanges);
        this.suppliedRoot = b.suppliedRoot;
    }

    private static Duration goDuration(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (!GoDuration.fits(d)) {
            throw new IllegalArgumentException(key + " " + d + " is outside the range of a Go duration");
        }
        return d;
    }

    /** The configuration a datacenter has when nothing was configured: every default of the spec. */
    public static CaConfig defaults() {
        return DEFAULTS;
    }

    /** {@code RootCertTTL / 5}, the {@code RootRenewBefore} used when none is given. */
    public static Duration defaultRootRenewBefore(Duration rootCertTtl) {
        return rootCertTtl.dividedBy(ROOT_RENEW_BEFORE_DIVISOR);
    }

    /** A builder preset with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with this configuration's values, {@code RootRenewBefore} included. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.leafCertTtl = leafCertTtl;
        b.intermediateCertTtl = intermediateCertTtl;
        b.rootCertTtl = rootCertTtl;
        b.privateKeyType = privateKeyType;
        b.privateKeyBits = privateKeyBits;
        b.csrMaxPerSecond = csrMaxPerSecond;
        b.csrMaxConcurrent = csrMaxConcurrent;
        b.rootRenewBefore = rootRenewBefore;
        b.allowedDnsSuffixes = allowedDnsSuffixes;
        b.allowedIpRanges = allowedIpRanges;
        b.suppliedRoot = suppliedRoot;
        return b;
    }

    /** {@code LeafCertTTL}: lifetime of the leaf certificates this datacenter signs. */
    public Duration leafCertTtl() {
        return leafCertTtl;
    }

    /** {@code IntermediateCertTTL}: lifetime of intermediates; the primary's value applies to every datacenter's intermediate. */
    public Duration intermediateCertTtl() {
        return intermediateCertTtl;
    }

    /** {@code RootCertTTL}: lifetime of a root the primary generates. */
    public Duration rootCertTtl() {
        return rootCertTtl;
    }

    /** {@code PrivateKeyType} as given: {@code ec} or {@code rsa} once validated. */
    public String privateKeyType() {
        return privateKeyType;
    }

    /** {@code PrivateKeyBits}: 256 or 384 for {@code ec}, 2048 or 4096 for {@code rsa}, once validated. */
    public int privateKeyBits() {
        return privateKeyBits;
    }

    /** {@code CSRMaxPerSecond}: the datacenter's CSR rate limit; 0 disables it. */
    public double csrMaxPerSecond() {
        return csrMaxPerSecond;
    }

    /** {@code CSRMaxConcurrent}: concurrent signings allowed when the rate limit is off; 0 means no limit. */
    public int csrMaxConcurrent() {
        return csrMaxConcurrent;
    }

    /** {@code RootRenewBefore} (meshfed): the root is rotated automatically once less than this remains. */
    public Duration rootRenewBefore() {
        return rootRenewBefore;
    }

    /** {@code AllowedDNSSuffixes} (meshfed): DNS SANs a CSR may carry; empty allows none. Unmodifiable. */
    public List<String> allowedDnsSuffixes() {
        return allowedDnsSuffixes;
    }

    /** {@code AllowedIPRanges} (meshfed): CIDR ranges IP SANs must fall in; empty allows none. Unmodifiable. */
    public List<String> allowedIpRanges() {
        return allowedIpRanges;
    }

    /** The operator-supplied root, if the configuration names one. */
    public Optional<SuppliedRoot> suppliedRoot() {
        return Optional.ofNullable(suppliedRoot);
    }

    /** Whether key type and bits are those of {@code other}: the part of the configuration that shapes keys. */
    public boolean sameKeyAs(CaConfig other) {
        return privateKeyType.equals(other.privateKeyType) && privateKeyBits == other.privateKeyBits;
    }

    /** Equal when every effective value is; supplied roots compare by hash. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CaConfig)) {
            return false;
        }
        CaConfig c = (CaConfig) o;
        return leafCertTtl.equals(c.leafCertTtl)
                && intermediateCertTtl.equals(c.intermediateCertTtl)
                && rootCertTtl.equals(c.rootCertTtl)
                && privateKeyType.equals(c.privateKeyType)
                && privateKeyBits == c.privateKeyBits
                && Double.compare(csrMaxPerSecond, c.csrMaxPerSecond) == 0
                && csrMaxConcurrent == c.csrMaxConcurrent
                && rootRenewBefore.equals(c.rootRenewBefore)
                && allowedDnsSuffixes.equals(c.allowedDnsSuffixes)
                && allowedIpRanges.equals(c.allowedIpRanges)
                && Objects.equals(suppliedRoot, c.suppliedRoot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(leafCertTtl, intermediateCertTtl, rootCertTtl, privateKeyType, privateKeyBits,
                csrMaxPerSecond, csrMaxConcurrent, rootRenewBefore, allowedDnsSuffixes, allowedIpRanges, suppliedRoot);
    }

    /** Every field with Go-style durations; a supplied root appears as its hash only. */
    @Override
    public String toString() {
        return "CaConfig[LeafCertTTL=" + GoDuration.format(leafCertTtl)
                + ", IntermediateCertTTL=" + GoDuration.format(intermediateCertTtl)
                + ", RootCertTTL=" + GoDuration.format(rootCertTtl)
                + ", PrivateKeyType=" + privateKeyType
                + ", PrivateKeyBits=" + privateKeyBits
                + ", CSRMaxPerSecond=" + GoStrconv.formatFloat(csrMaxPerSecond)
                + ", CSRMaxConcurrent=" + csrMaxConcurrent
                + ", RootRenewBefore=" + GoDuration.format(rootRenewBefore)
                + ", AllowedDNSSuffixes=" + allowedDnsSuffixes
                + ", AllowedIPRanges=" + allowedIpRanges
                + ", SuppliedRoot=" + (suppliedRoot == null ? "none" : "sha256:" + suppliedRoot.sha256())
                + "]";
    }

    /** Builds a {@link CaConfig}; starts from every default. Not thread-safe. */
    public static final class Builder {
        private Duration leafCertTtl = DEFAULT_LEAF_CERT_TTL;
        private Duration intermediateCertTtl = DEFAULT_INTERMEDIATE_CERT_TTL;
        private Duration rootCertTtl = DEFAULT_ROOT_CERT_TTL;
        private String privateKeyType = DEFAULT_PRIVATE_KEY_TYPE;
        private int privateKeyBits = DEFAULT_PRIVATE_KEY_BITS;
        private double csrMaxPerSecond = DEFAULT_CSR_MAX_PER_SECOND;
        private int csrMaxConcurrent = DEFAULT_CSR_MAX_CONCURRENT;
        private Duration rootRenewBefore; // null: RootCertTTL / 5 at build time
        private List<String> allowedDnsSuffixes = List.of();
        private List<String> allowedIpRanges = List.of();
        private SuppliedRoot suppliedRoot;

        private Builder() {
        }

        /** Sets {@code LeafCertTTL}. */
        public Builder leafCertTtl(Duration value) {
            this.leafCertTtl = value;
            return this;
        }

        /** Sets {@code IntermediateCertTTL}. */
        public Builder intermediateCertTtl(Duration value) {
            this.intermediateCertTtl = value;
            return this;
        }

        /** Sets {@code RootCertTTL}; a default {@code RootRenewBefore} follows it. */
        public Builder rootCertTtl(Duration value) {
            this.rootCertTtl = value;
            return this;
        }

        /** Sets {@code PrivateKeyType} as given (validation checks it). */
        public Builder privateKeyType(String value) {
            this.privateKeyType = value;
            return this;
        }

        /** Sets {@code PrivateKeyBits} as given (validation checks it). */
        public Builder privateKeyBits(int value) {
            this.privateKeyBits = value;
            return this;
        }

        /** Sets {@code CSRMaxPerSecond}; 0 disables the rate limit. */
        public Builder csrMaxPerSecond(double value) {
            this.csrMaxPerSecond = value;
            return this;
        }

        /** Sets {@code CSRMaxConcurrent}; 0 means no limit. */
        public Builder csrMaxConcurrent(int value) {
            this.csrMaxConcurrent = value;
            return this;
        }

        /** An explicit value, or {@code null} for the default: one fifth of the {@code RootCertTTL} built with. */
        public Builder rootRenewBefore(Duration value) {
            this.rootRenewBefore = value;
            return this;
        }

        /** Sets {@code AllowedDNSSuffixes} (copied; null elements refused). */
        public Builder allowedDnsSuffixes(List<String> value) {
            this.allowedDnsSuffixes = List.copyOf(value);
            return this;
        }

        /** Sets {@code AllowedIPRanges} (copied; null elements refused). */
        public Builder allowedIpRanges(List<String> value) {
            this.allowedIpRanges = List.copyOf(value);
            return this;
        }

        /** The supplied root, or {@code null} when meshfed generates the root. */
        public Builder suppliedRoot(SuppliedRoot value) {
            this.suppliedRoot = value;
            return this;
        }

        /**
         * @throws NullPointerException if a duration or the key type is null
         * @throws IllegalArgumentException if a duration is outside Go's range
         */
        public CaConfig build() {
            return new CaConfig(this);
        }
    }
}
