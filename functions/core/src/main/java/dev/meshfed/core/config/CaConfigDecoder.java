package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.pki.Pem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decodes CA configuration as Consul does, from the generic values a JSON parser yields
 * ({@link String}, {@link Number}, {@link Boolean}, {@link List}, {@link Map}, {@code null}).
 *
 * <h2>{@code Config}: Consul's weak decoding</h2>
 * Values convert weakly (mapstructure's {@code WeaklyTypedInput} plus Consul's duration hook):
 * {@code "256"} and {@code 256} are both an int; {@code "50"}, {@code 50} and {@code 50.5} a
 * float; durations are Go strings ({@code "72h"}) or numbers of nanoseconds; a single string is a
 * one-element list; {@code null} keeps the default. Keys match as in Consul:
 * <ol>
 *   <li>the exact PascalCase name ({@code LeafCertTTL}) wins;</li>
 *   <li>else the snake_case alias in any case ({@code leaf_cert_ttl}), as Consul's agent
 *       configuration, HCL and Terraform write it;</li>
 *   <li>else the PascalCase name in any other case ({@code leafcertttl}).</li>
 * </ol>
 * Where Consul would pick one of several same-rank spellings at random, meshfed refuses the
 * request. Keys meshfed does not know are ignored, neither stored nor echoed, and listed in
 * {@link CaConfigRequest#ignoredKeys()}.
 *
 * <h2>The request body</h2>
 * Top-level fields decode as Go's {@code encoding/json} does (exact name, else a unique
 * case-insensitive match): {@code Provider} must be a string, {@code Config} and {@code State}
 * objects or null. {@code ForceWithoutCrossSigning} and {@code force_without_cross_signing} are both
 * read (either true makes it true) and, unlike in Consul, decode weakly too.
 *
 * <p>Every failure is an {@link InvalidInput} whose message names the key; none repeats a private
 * key or any other value of a type that could not be converted.
 */
public final class CaConfigDecoder {

    /** Prefix of every {@code Config} decoding error, as in Consul. */
    static final String CONFIG_ERROR_PREFIX = "error decoding config: ";
    /** Prefix of every request-shape error, as Consul's HTTP handler writes it. */
    static final String REQUEST_ERROR_PREFIX = "Request decode failed: ";
    /** Consul's text when a request tries to change the provider state. */
    static final String STATE_READ_ONLY =
            "Provider State is read-only. It must be omitted or identical to the current value";

    private static final String PROVIDER = "Provider";
    private static final String CONFIG = "Config";
    private static final String STATE = "State";
    private static final String FORCE = "ForceWithoutCrossSigning";
    private static final String FORCE_SNAKE = "force_without_cross_signing";

    private CaConfigDecoder() {
    }

    /**
     * Decodes a {@code PUT /v1/connect/ca/configuration} body.
     *
     * @param body the parsed JSON object; {@code null} is refused
     * @return the request, with defaults applied to every key the {@code Config} leaves out (not yet validated)
     * @throws InvalidInput for a body Consul would refuse, a provider other than {@code consul}, a
     *     non-empty {@code State}, or any {@code Config} problem {@link #decodeConfig(Map)} reports
     */
    public static CaConfigRequest decodeRequest(Map<String, ?> body) {
        if (body == null) {
            throw new InvalidInput(REQUEST_ERROR_PREFIX + "the body must be a JSON object");
        }
        Map<String, Object> top = stringKeyed(body, REQUEST_ERROR_PREFIX);

        Object provider = field(top, PROVIDER);
        Object config = field(top, CONFIG);
        Object state = field(top, STATE);
        Object force = field(top, FORCE);
        Object forceSnake = field(top, FORCE_SNAKE);

        if (provider != null && !(provider instanceof String)) {
            throw new InvalidInput(REQUEST_ERROR_PREFIX + "Provider must be a string, got "
                    + WeakDecoding.goTypeName(provider));
        }
        if (config != null && !(config instanceof Map)) {
            throw new InvalidInput(REQUEST_ERROR_PREFIX + "Config must be an object, got "
                    + WeakDecoding.goTypeName(config));
        }
        if (state != null && !(state instanceof Map)) {
            throw new InvalidInput(REQUEST_ERROR_PREFIX + "State must be an object, got "
                    + WeakDecoding.goTypeName(state));
        }
        boolean forceWithoutCrossSigning;
        try {
            forceWithoutCrossSigning = (force != null && WeakDecoding.bool(FORCE, force))
                    | (forceSnake != null && WeakDecoding.bool(FORCE_SNAKE, forceSnake));
        } catch (WeakDecoding.FieldError e) {
            throw new InvalidInput(REQUEST_ERROR_PREFIX + e.getMessage());
        }
        // meshfed's provider keeps no provider state, so the only "identical" State is an empty one.
        if (state != null && !((Map<?, ?>) state).isEmpty()) {
            throw new InvalidInput(STATE_READ_ONLY);
        }
        String providerName = provider == null ? "" : (String) provider;
        if (!CaConfigRequest.PROVIDER_CONSUL.equals(providerName)) {
            throw new InvalidInput("unsupported CA provider " + GoStrconv.quoteBounded(providerName)
                    + ": meshfed supports only \"" + CaConfigRequest.PROVIDER_CONSUL + "\"");
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> configMap = config == null ? Map.of() : (Map<String, ?>) config;
        return decode(configMap, forceWithoutCrossSigning);
    }

    /**
     * Decodes a {@code Config} map on its own, as if sent with provider {@code consul} (for
     * configuration files and tests).
     *
     * @param config the {@code Config} object; {@code null} is the empty object (all defaults)
     * @return the request, with defaults applied (not yet validated); never forcing
     * @throws InvalidInput {@code error decoding config: ...} naming every key that weak decoding
     *     cannot convert or that is spelled ambiguously; {@code must provide a private key when
     *     providing a root cert} and its converse; a {@code RootCert} or {@code PrivateKey} that is
     *     not one PEM block of the right type
     */
    public static CaConfigRequest decodeConfig(Map<String, ?> config) {
        return decode(config == null ? Map.of() : config, false);
    }

    private static CaConfigRequest decode(Map<String, ?> raw, boolean forceWithoutCrossSigning) {
        Map<String, Object> config = stringKeyed(raw, CONFIG_ERROR_PREFIX);
        List<String> errors = new ArrayList<>();

        Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            try {
                Object value = resolve(config, key);
                if (value != null) {
                    values.put(key, value);
                }
            } catch (WeakDecoding.FieldError e) {
                errors.add(e.getMessage());
            }
        }
        TreeSet<String> ignored = new TreeSet<>();
        for (String k : config.keySet()) {
            boolean known = false;
            for (ConfigKey key : ConfigKey.values()) {
                known |= key.matches(k);
            }
            if (!known) {
                ignored.add(k);
            }
        }

        CaConfig.Builder b = CaConfig.builder();
        String rootCert = null;
        String privateKey = null;
        for (Map.Entry<ConfigKey, Object> e : values.entrySet()) {
            ConfigKey key = e.getKey();
            String name = key.canonical;
            Object value = e.getValue();
            try {
                switch (key) {
                    case LEAF_CERT_TTL:
                        b.leafCertTtl(WeakDecoding.duration(name, value));
                        break;
                    case INTERMEDIATE_CERT_TTL:
                        b.intermediateCertTtl(WeakDecoding.duration(name, value));
                        break;
                    case ROOT_CERT_TTL:
                        b.rootCertTtl(WeakDecoding.duration(name, value));
                        break;
                    case ROOT_RENEW_BEFORE:
                        b.rootRenewBefore(WeakDecoding.duration(name, value));
                        break;
                    case PRIVATE_KEY_TYPE:
                        b.privateKeyType(WeakDecoding.string(name, value));
                        break;
                    case PRIVATE_KEY_BITS:
                        b.privateKeyBits(WeakDecoding.int32(name, value));
                        break;
                    case CSR_MAX_PER_SECOND:
                        b.csrMaxPerSecond(WeakDecoding.float64(name, value));
                        break;
                    case CSR_MAX_CONCURRENT:
                        b.csrMaxConcurrent(WeakDecoding.int32(name, value));
                        break;
                    case ALLOWED_DNS_SUFFIXES:
                        b.allowedDnsSuffixes(WeakDecoding.stringList(name, value));
                        break;
                    case ALLOWED_IP_RANGES:
                        b.allowedIpRanges(WeakDecoding.stringList(name, value));
                        break;
                    case ROOT_CERT:
                        rootCert = WeakDecoding.string(name, value);
                        break;
                    case PRIVATE_KEY:
                        privateKey = WeakDecoding.string(name, value);
                        break;
                    default:
                        throw new IllegalStateException("unhandled key " + key);
                }
            } catch (WeakDecoding.FieldError error) {
                errors.add(error.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            Collections.sort(errors); // deterministic, as mapstructure sorts its errors
            throw new InvalidInput(CONFIG_ERROR_PREFIX + String.join("; ", errors));
        }

        SuppliedPrivateKey key = null;
        boolean certGiven = rootCert != null && !rootCert.isEmpty();
        boolean keyGiven = privateKey != null && !privateKey.isEmpty();
        if (certGiven && !keyGiven) {
            throw new InvalidInput("must provide a private key when providing a root cert");
        }
        if (keyGiven && !certGiven) {
            throw new InvalidInput("must provide a root cert when providing a private key");
        }
        if (certGiven) {
            b.suppliedRoot(new SuppliedRoot(rootCert, sha256Hex(certificateDer(rootCert))));
            checkPrivateKeyShape(privateKey);
            key = new SuppliedPrivateKey(privateKey);
        }
        return new CaConfigRequest(CaConfigRequest.PROVIDER_CONSUL, b.build(), forceWithoutCrossSigning, key,
                new ArrayList<>(ignored));
    }

    /**
     * The value for {@code key}: exact PascalCase name, else the snake_case alias in any case, else
     * the PascalCase name in any case; {@code null} when absent or JSON null.
     */
    private static Object resolve(Map<String, Object> config, ConfigKey key) throws WeakDecoding.FieldError {
        if (config.containsKey(key.canonical)) {
            return config.get(key.canonical);
        }
        List<String> aliases = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        for (String k : config.keySet()) {
            if (k.equalsIgnoreCase(key.alias)) {
                aliases.add(k);
            } else if (k.equalsIgnoreCase(key.canonical)) {
                variants.add(k);
            }
        }
        List<String> chosen = !aliases.isEmpty() ? aliases : variants;
        if (chosen.size() > 1) {
            Collections.sort(chosen);
            throw new WeakDecoding.FieldError("keys " + quoteAll(chosen) + " all set '" + key.canonical
                    + "'; send one");
        }
        return chosen.isEmpty() ? null : config.get(chosen.get(0));
    }

    /** A top-level field as Go's encoding/json finds it: exact name, else a unique case-insensitive match. */
    private static Object field(Map<String, Object> top, String name) {
        if (top.containsKey(name)) {
            return top.get(name);
        }
        List<String> matches = new ArrayList<>();
        for (String k : top.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                matches.add(k);
            }
        }
        if (matches.size() > 1) {
            Collections.sort(matches);
            throw new InvalidInput(REQUEST_ERROR_PREFIX + "keys " + quoteAll(matches) + " all set " + name
                    + "; send one");
        }
        return matches.isEmpty() ? null : top.get(matches.get(0));
    }

    private static Map<String, Object> stringKeyed(Map<?, ?> map, String prefix) {
        for (Object k : map.keySet()) {
            if (!(k instanceof String)) {
                throw new InvalidInput(prefix + "object keys must be strings");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) map;
        return typed;
    }

    private static String quoteAll(List<String> keys) {
        List<String> quoted = new ArrayList<>();
        for (String k : keys) {
            quoted.add(GoStrconv.quoteBounded(k));
        }
        return String.join(", ", quoted);
    }

    /** The DER bytes of the one CERTIFICATE block of a supplied root. */
    private static byte[] certificateDer(String pem) {
        List<Pem.Block> blocks = pemBlocks(pem);
        if (blocks.size() != 1 || !blocks.get(0).type().equals(Pem.CERTIFICATE) || blocks.get(0).der().length == 0) {
            throw new InvalidInput("RootCert must be exactly one PEM block of type CERTIFICATE");
        }
        return blocks.get(0).der();
    }

    /** Every PEM block, or none when the text is malformed (then the callers' shape checks refuse it). */
    private static List<Pem.Block> pemBlocks(String pem) {
        try {
            return Pem.decodeAll(pem);
        } catch (Pem.MalformedPem e) {
            return List.of();
        }
    }

    /** Shape only: one unencrypted private key block. The message never repeats the key. */
    private static void checkPrivateKeyShape(String pem) {
        List<Pem.Block> blocks = pemBlocks(pem);
        boolean ok = blocks.size() == 1 && blocks.get(0).der().length > 0
                && List.of("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY").contains(blocks.get(0).type());
        if (!ok) {
            throw new InvalidInput("PrivateKey must be exactly one unencrypted PEM block of type PRIVATE KEY,"
                    + " EC PRIVATE KEY or RSA PRIVATE KEY");
        }
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /** SHA-256 of text as UTF-8, lowercase hex (for tests and fixtures). */
    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }
}
