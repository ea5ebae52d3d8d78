package dev.meshfed.core.config;

/**
 * The {@code Config} keys meshfed reads: Consul's PascalCase name, the snake_case alias that
 * Consul's agent configuration, HCL and Terraform use, and the weak type each decodes to.
 */
enum ConfigKey {
    LEAF_CERT_TTL("LeafCertTTL", "leaf_cert_ttl", Kind.DURATION),
    INTERMEDIATE_CERT_TTL("IntermediateCertTTL", "intermediate_cert_ttl", Kind.DURATION),
    ROOT_CERT_TTL("RootCertTTL", "root_cert_ttl", Kind.DURATION),
    PRIVATE_KEY_TYPE("PrivateKeyType", "private_key_type", Kind.STRING),
    PRIVATE_KEY_BITS("PrivateKeyBits", "private_key_bits", Kind.INT),
    CSR_MAX_PER_SECOND("CSRMaxPerSecond", "csr_max_per_second", Kind.FLOAT),
    CSR_MAX_CONCURRENT("CSRMaxConcurrent", "csr_max_concurrent", Kind.INT),
    ROOT_RENEW_BEFORE("RootRenewBefore", "root_renew_before", Kind.DURATION),
    ALLOWED_DNS_SUFFIXES("AllowedDNSSuffixes", "allowed_dns_suffixes", Kind.STRING_LIST),
    ALLOWED_IP_RANGES("AllowedIPRanges", "allowed_ip_ranges", Kind.STRING_LIST),
    ROOT_CERT("RootCert", "root_cert", Kind.STRING),
    PRIVATE_KEY("PrivateKey", "private_key", Kind.STRING);

    /** The Go type Consul decodes the key into, named as mapstructure names it in its errors. */
    enum Kind {
        DURATION("time.Duration"), STRING("string"), INT("int"), FLOAT("float32"), STRING_LIST("[]string");

        final String goType;

        Kind(String goType) {
            this.goType = goType;
        }
    }

    final String canonical;
    final String alias;
    final Kind kind;

    ConfigKey(String canonical, String alias, Kind kind) {
        this.canonical = canonical;
        this.alias = alias;
        this.kind = kind;
    }

    /** Whether {@code key} names this field in any accepted spelling. */
    boolean matches(String key) {
        return key.equalsIgnoreCase(canonical) || key.equalsIgnoreCase(alias);
    }
}
