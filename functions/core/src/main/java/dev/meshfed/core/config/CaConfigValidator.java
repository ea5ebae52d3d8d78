package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The rules of one datacenter's CA configuration, checked in Consul's order with Consul's texts,
 * then meshfed's own rules. The first rule that fails is reported. Rules that compare datacenters
 * live in {@link CrossDcTtlRule}.
 *
 * <table>
 *   <caption>Rules, in the order they are checked</caption>
 *   <tr><th>rule</th><th>message (Consul's unless marked meshfed)</th></tr>
 *   <tr><td>RootCertTTL ≥ IntermediateCertTTL</td><td>{@code root cert TTL is set and is not greater than intermediate cert ttl. root cert ttl: R, intermediate cert ttl: I}</td></tr>
 *   <tr><td>LeafCertTTL ≥ 1h</td><td>{@code leaf cert TTL must be greater or equal than 1h0m0s}</td></tr>
 *   <tr><td>LeafCertTTL ≤ 8760h</td><td>{@code leaf cert TTL must be less than 8760h0m0s}</td></tr>
 *   <tr><td>IntermediateCertTTL ≥ 3h</td><td>{@code Intermediate Cert TTL must be greater or equal than 3h}</td></tr>
 *   <tr><td>IntermediateCertTTL ≥ 3 × LeafCertTTL</td><td>{@code Intermediate Cert TTL must be greater or equal than 3 * LeafCertTTL (>=X).}</td></tr>
 *   <tr><td>PrivateKeyType</td><td>{@code private key type must be either 'ec' or 'rsa'}</td></tr>
 *   <tr><td>ec bits 256, 384 (meshfed: not 224, 521)</td><td>{@code EC key length must be one of (256, 384) bits}</td></tr>
 *   <tr><td>rsa bits 2048, 4096</td><td>{@code RSA key length must be 2048 or 4096 bits}</td></tr>
 *   <tr><td>CSRMaxPerSecond finite, ≥ 0 (meshfed)</td><td>{@code invalid CSRMaxPerSecond -1: must be 0 (no rate limit) or more}</td></tr>
 *   <tr><td>CSRMaxConcurrent ≥ 0 (meshfed)</td><td>{@code invalid CSRMaxConcurrent -1: must be 0 (no limit) or more}</td></tr>
 *   <tr><td>0 &lt; RootRenewBefore &lt; RootCertTTL (meshfed)</td><td>{@code invalid RootRenewBefore 0s: must be greater than 0s}, {@code ...: must be less than RootCertTTL R}</td></tr>
 *   <tr><td>AllowedDNSSuffixes syntax (meshfed)</td><td>{@code invalid AllowedDNSSuffixes entry "x": <reason>}</td></tr>
 *   <tr><td>AllowedIPRanges syntax (meshfed)</td><td>{@code invalid AllowedIPRanges entry "x": <reason>}</td></tr>
 * </table>
 */
public final class CaConfigValidator {

    /** Shortest {@code LeafCertTTL} (Consul's {@code MinLeafCertTTL}). */
    public static final Duration MIN_LEAF_CERT_TTL = Duration.ofHours(1);
    /** Longest {@code LeafCertTTL} (Consul's {@code MaxLeafCertTTL}, 365 days); equal is allowed. */
    public static final Duration MAX_LEAF_CERT_TTL = Duration.ofHours(8760);
    /**
     * How often an intermediate's remaining life is checked (Consul's
     * {@code IntermediateCertRenewInterval}); renewal starts at half-life.
     */
    public static final Duration INTERMEDIATE_CERT_RENEW_INTERVAL = Duration.ofHours(1);
    /**
     * Shortest {@code IntermediateCertTTL}: three renewal checks, so that the check after
     * half-life still leaves time to renew.
     */
    public static final Duration MIN_INTERMEDIATE_CERT_TTL = INTERMEDIATE_CERT_RENEW_INTERVAL.multipliedBy(3);
    /**
     * An intermediate must outlive this many leaf lifetimes: it travels to proxies bundled with the
     * leaf, so a new one must be out well before the old one expires.
     */
    public static final int INTERMEDIATE_TO_LEAF_TTL_FACTOR = 3;
    /** {@code PrivateKeyBits} meshfed accepts for {@code ec} (NIST P-256, P-384). */
    public static final List<Integer> EC_KEY_BITS = List.of(256, 384);
    /** {@code PrivateKeyBits} accepted for {@code rsa}. */
    public static final List<Integer> RSA_KEY_BITS = List.of(2048, 4096);

    private CaConfigValidator() {
    }

    /**
     * Checks every rule of one datacenter's configuration.
     *
     * @throws InvalidInput naming the first rule that fails, with the text in the class table
     */
    public static void validate(CaConfig c) {
        Objects.requireNonNull(c, "config");
        // Consul checks this first: with IntermediateCertTTL >= 3 * LeafCertTTL it also bounds the leaf.
        if (c.rootCertTtl().compareTo(c.intermediateCertTtl()) < 0) {
            throw new InvalidInput("root cert TTL is set and is not greater than intermediate cert ttl. root cert ttl: "
                    + GoDuration.format(c.rootCertTtl()) + ", intermediate cert ttl: "
                    + GoDuration.format(c.intermediateCertTtl()));
        }
        if (c.leafCertTtl().compareTo(MIN_LEAF_CERT_TTL) < 0) {
            throw new InvalidInput("leaf cert TTL must be greater or equal than " + GoDuration.format(MIN_LEAF_CERT_TTL));
        }
        if (c.leafCertTtl().compareTo(MAX_LEAF_CERT_TTL) > 0) {
            // Consul's wording says "less than", but the bound itself is allowed.
            throw new InvalidInput("leaf cert TTL must be less than " + GoDuration.format(MAX_LEAF_CERT_TTL));
        }
        if (c.intermediateCertTtl().compareTo(MIN_INTERMEDIATE_CERT_TTL) < 0) {
            throw new InvalidInput("Intermediate Cert TTL must be greater or equal than "
                    + MIN_INTERMEDIATE_CERT_TTL.toHours() + "h");
        }
        Duration leafBound = c.leafCertTtl().multipliedBy(INTERMEDIATE_TO_LEAF_TTL_FACTOR);
        if (c.intermediateCertTtl().compareTo(leafBound) < 0) {
            throw new InvalidInput("Intermediate Cert TTL must be greater or equal than 3 * LeafCertTTL (>="
                    + GoDuration.format(leafBound) + ").");
        }
        validateKey(c.privateKeyType(), c.privateKeyBits());

        double rate = c.csrMaxPerSecond();
        if (Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new InvalidInput("invalid CSRMaxPerSecond " + GoStrconv.formatFloat(rate) + ": must be a finite number");
        }
        if (rate < 0) {
            throw new InvalidInput("invalid CSRMaxPerSecond " + GoStrconv.formatFloat(rate)
                    + ": must be 0 (no rate limit) or more");
        }
        if (c.csrMaxConcurrent() < 0) {
            throw new InvalidInput("invalid CSRMaxConcurrent " + c.csrMaxConcurrent() + ": must be 0 (no limit) or more");
        }
        if (c.rootRenewBefore().compareTo(Duration.ZERO) <= 0) {
            throw new InvalidInput("invalid RootRenewBefore " + GoDuration.format(c.rootRenewBefore())
                    + ": must be greater than 0s");
        }
        if (c.rootRenewBefore().compareTo(c.rootCertTtl()) >= 0) {
            throw new InvalidInput("invalid RootRenewBefore " + GoDuration.format(c.rootRenewBefore())
                    + ": must be less than RootCertTTL " + GoDuration.format(c.rootCertTtl()));
        }
        for (String suffix : c.allowedDnsSuffixes()) {
            String problem = DnsSuffixes.problem(suffix);
            if (problem != null) {
                throw new InvalidInput("invalid AllowedDNSSuffixes entry " + GoStrconv.quoteBounded(suffix) + ": " + problem);
            }
        }
        for (String range : c.allowedIpRanges()) {
            String problem = CidrRange.problem(range);
            if (problem != null) {
                throw new InvalidInput("invalid AllowedIPRanges entry " + GoStrconv.quoteBounded(range) + ": " + problem);
            }
        }
    }

    /**
     * Checks a key type and size: {@code ec} 256 or 384, {@code rsa} 2048 or 4096.
     *
     * @throws InvalidInput with Consul's text, listing only the sizes meshfed accepts
     */
    public static void validateKey(String type, int bits) {
        if (CaConfig.KEY_TYPE_EC.equals(type)) {
            if (!EC_KEY_BITS.contains(bits)) {
                throw new InvalidInput("EC key length must be one of (256, 384) bits");
            }
        } else if (CaConfig.KEY_TYPE_RSA.equals(type)) {
            if (!RSA_KEY_BITS.contains(bits)) {
                throw new InvalidInput("RSA key length must be 2048 or 4096 bits");
            }
        } else {
            throw new InvalidInput("private key type must be either 'ec' or 'rsa'");
        }
    }
}
