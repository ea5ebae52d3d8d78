package dev.meshfed.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a {@link CaConfig} in the shape of Consul's {@code GET /v1/connect/ca/configuration}.
 *
 * <p>Consul returns the {@code Config} map exactly as it was stored, strings as the operator wrote
 * them ({@code "72h"}). meshfed stores the decoded configuration instead, so it answers with one
 * canonical form: PascalCase keys in a fixed order, durations as Go's {@code Duration.String()}
 * prints them ({@code "72h0m0s"}), every key present with its effective value (defaults and
 * {@code RootRenewBefore} included). Both forms parse to the same durations; a client that compares
 * the text it sent with the text it reads back must compare parsed durations.
 *
 * <p>{@code PrivateKey} is never encoded, and neither is {@code RootCert}: the active root is public
 * in {@code /v1/connect/ca/roots}, and leaving both out lets a client send back what it read
 * (read-modify-write) without tripping "must provide a private key when providing a root cert".
 */
public final class CaConfigEncoder {

    private CaConfigEncoder() {
    }

    /**
     * The {@code Config} object: {@code {"LeafCertTTL":"72h0m0s", "IntermediateCertTTL":"8760h0m0s",
     * "RootCertTTL":"87600h0m0s", "PrivateKeyType":"ec", "PrivateKeyBits":256,
     * "CSRMaxPerSecond":50, "CSRMaxConcurrent":0, "RootRenewBefore":"17520h0m0s",
     * "AllowedDNSSuffixes":[], "AllowedIPRanges":[]}}.
     *
     * @return an unmodifiable map in that key order; ints are {@link Integer}, {@code CSRMaxPerSecond}
     *     is a {@link Long} when it is a whole number and a {@link Double} otherwise, lists are
     *     unmodifiable lists of strings. {@link CaConfigDecoder#decodeConfig(Map)} of it gives back an
     *     equal configuration, except that a supplied root is left out.
     */
    public static Map<String, Object> encodeConfig(CaConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(ConfigKey.LEAF_CERT_TTL.canonical, GoDuration.format(config.leafCertTtl()));
        out.put(ConfigKey.INTERMEDIATE_CERT_TTL.canonical, GoDuration.format(config.intermediateCertTtl()));
        out.put(ConfigKey.ROOT_CERT_TTL.canonical, GoDuration.format(config.rootCertTtl()));
        out.put(ConfigKey.PRIVATE_KEY_TYPE.canonical, config.privateKeyType());
        out.put(ConfigKey.PRIVATE_KEY_BITS.canonical, config.privateKeyBits());
        out.put(ConfigKey.CSR_MAX_PER_SECOND.canonical, number(config.csrMaxPerSecond()));
        out.put(ConfigKey.CSR_MAX_CONCURRENT.canonical, config.csrMaxConcurrent());
        out.put(ConfigKey.ROOT_RENEW_BEFORE.canonical, GoDuration.format(config.rootRenewBefore()));
        out.put(ConfigKey.ALLOWED_DNS_SUFFIXES.canonical, config.allowedDnsSuffixes());
        out.put(ConfigKey.ALLOWED_IP_RANGES.canonical, config.allowedIpRanges());
        return Collections.unmodifiableMap(out);
    }

    /**
     * The whole {@code GET /v1/connect/ca/configuration} body:
     * {@code {"Provider":"consul","Config":{...},"State":null,"ForceWithoutCrossSigning":false,
     * "CreateIndex":c,"ModifyIndex":m}}. {@code State} is always null (meshfed keeps no provider
     * state) and {@code ForceWithoutCrossSigning} always false (it is a one-shot flag of a PUT).
     *
     * @return an unmodifiable map in that key order (it holds a null value, so serialize nulls)
     */
    public static Map<String, Object> encodeResponse(CaConfig config, long createIndex, long modifyIndex) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Provider", CaConfigRequest.PROVIDER_CONSUL);
        out.put("Config", encodeConfig(config));
        out.put("State", null);
        out.put("ForceWithoutCrossSigning", false);
        out.put("CreateIndex", createIndex);
        out.put("ModifyIndex", modifyIndex);
        return Collections.unmodifiableMap(out);
    }

    private static Number number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
            return (long) value;
        }
        return value;
    }
}
