package dev.meshfed.pki;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The JCA provider that does meshfed's signature, key generation and key import work, chosen
 * once at start-up.
 *
 * <p>Preference {@code auto} (the default) takes the Amazon Corretto Crypto Provider (AWS-LC),
 * the fastest here by a wide margin (docs/benchmarks.md), and falls back to the JDK's own
 * providers where it cannot load: other CPU architectures, native images, a missing native
 * library. {@code accp}, {@code bc} and {@code jdk} force one (for benchmarks and tests); a forced
 * ACCP that cannot load is an error, never a silent fallback. Set with the system property
 * {@value #PROPERTY} or the environment variable {@value #ENV}.
 *
 * <p>The provider is used by explicit reference; it is not installed into the JVM-wide list, so
 * nothing else in the process changes behaviour.
 */
public final class CryptoProviders {
    public static final String PROPERTY = "meshfed.crypto.provider";
    public static final String ENV = "MESHFED_CRYPTO_PROVIDER";
    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    private static final Logger LOG = Logger.getLogger(CryptoProviders.class.getName());

    /** Which provider the operator asked for. */
    public enum Preference { AUTO, ACCP, BC, JDK }

    private static volatile CryptoProviders defaultInstance;

    private final Provider provider;
    private final String description;

    private CryptoProviders(Provider provider, String description) {
        this.provider = provider;
        this.description = description;
    }

    /** The process-wide choice, made on first use from the property or the environment. */
    public static CryptoProviders get() {
        CryptoProviders p = defaultInstance;
        if (p == null) {
            synchronized (CryptoProviders.class) {
                p = defaultInstance;
                if (p == null) {
                    String v = System.getProperty(PROPERTY, System.getenv().getOrDefault(ENV, "auto"));
                    p = choose(parse(v), CryptoProviders::loadAccp);
                    String chosen = p.description();
                    LOG.info(() -> "meshfed crypto provider: " + chosen);
                    defaultInstance = p;
                }
            }
        }
        return p;
    }

    static Preference parse(String v) {
        try {
            return Preference.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + PROPERTY + " value '" + v + "'; use auto, accp, bc or jdk");
        }
    }

    /** A provider chosen by preference with the real ACCP loader (benchmarks, tests). */
    public static CryptoProviders of(Preference preference) {
        return choose(preference, CryptoProviders::loadAccp);
    }

    /**
     * Chooses a provider. {@code accpLoader} returns a healthy ACCP or throws ({@link LinkageError}
     * for a missing native library, {@link ReflectiveOperationException} wrapped for a missing
     * class); under {@code AUTO} any such failure falls back to the JDK providers.
     */
    public static CryptoProviders choose(Preference preference, Supplier<Provider> accpLoader) {
        switch (preference) {
            case ACCP:
                return new CryptoProviders(accpLoader.get(), "Amazon Corretto Crypto Provider (forced)");
            case BC:
                return new CryptoProviders(bouncyCastle(), "Bouncy Castle (forced)");
            case JDK:
                return new CryptoProviders(null, "JDK default providers (forced)");
            default:
                try {
                    Provider accp = accpLoader.get();
                    return new CryptoProviders(accp, "Amazon Corretto Crypto Provider");
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.INFO, "Amazon Corretto Crypto Provider unavailable ({0}); using the JDK providers",
                            e.getClass().getSimpleName());
                    return new CryptoProviders(null, "JDK default providers (ACCP unavailable)");
                }
        }
    }

    /** Loads ACCP reflectively (so the class is optional) and insists that it reports healthy. */
    static Provider loadAccp() {
        try {
            Class<?> c = Class.forName(ACCP_CLASS);
            Provider p = (Provider) c.getField("INSTANCE").get(null);
            c.getMethod("assertHealthy").invoke(p);
            return p;
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("ACCP is not healthy: " + e.getCause().getClass().getSimpleName());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ACCP cannot load: " + e.getClass().getSimpleName());
        }
    }

    /** Bouncy Castle as a provider object, registered if Quarkus configuration did not already. */
    static Provider bouncyCastle() {
        Provider p = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        return p != null ? p : new BouncyCastleProvider();
    }

    /** What was chosen, for logs and benchmark reports. */
    public String description() {
        return description;
    }

    /** The chosen provider, or null when the JDK's default provider list is used. */
    public Provider provider() {
        return provider;
    }

    public Signature signature(String algorithm) throws GeneralSecurityException {
        return provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
    }

    /**
     * A {@link Signature} for signing, reused by the calling thread (provider look-up costs about as
     * much as building a certificate's extensions). The caller must finish with it (initSign ...
     * sign) before asking again for the same algorithm on the same thread.
     */
    public Signature signer(String algorithm) throws GeneralSecurityException {
        return cached(signers.get(), algorithm);
    }

    /** As {@link #signer}, a separate per-thread instance for verifying. */
    public Signature verifier(String algorithm) throws GeneralSecurityException {
        return cached(verifiers.get(), algorithm);
    }

    private Signature cached(java.util.Map<String, Signature> cache, String algorithm) throws GeneralSecurityException {
        Signature s = cache.get(algorithm);
        if (s == null) {
            s = signature(algorithm);
            cache.put(algorithm, s);
        }
        return s;
    }

    /** A {@link KeyFactory} reused by the calling thread. */
    public KeyFactory cachedKeyFactory(String algorithm) throws GeneralSecurityException {
        java.util.Map<String, KeyFactory> cache = keyFactories.get();
        KeyFactory k = cache.get(algorithm);
        if (k == null) {
            k = keyFactory(algorithm);
            cache.put(algorithm, k);
        }
        return k;
    }

    private final ThreadLocal<java.util.Map<String, Signature>> signers = ThreadLocal.withInitial(java.util.HashMap::new);
    private final ThreadLocal<java.util.Map<String, Signature>> verifiers = ThreadLocal.withInitial(java.util.HashMap::new);
    private final ThreadLocal<java.util.Map<String, KeyFactory>> keyFactories = ThreadLocal.withInitial(java.util.HashMap::new);

    public KeyPairGenerator keyPairGenerator(String algorithm) throws GeneralSecurityException {
        return provider == null ? KeyPairGenerator.getInstance(algorithm) : KeyPairGenerator.getInstance(algorithm, provider);
    }

    public KeyFactory keyFactory(String algorithm) throws GeneralSecurityException {
        return provider == null ? KeyFactory.getInstance(algorithm) : KeyFactory.getInstance(algorithm, provider);
    }

    /**
     * Converts a private key into the chosen provider's own form once, so that signing does not
     * translate it on every call.
     */
    public PrivateKey importPrivateKey(PrivateKey key) {
        if (provider == null) {
            return key;
        }
        // Decoded from PKCS#8, not translateKey: ACCP 2.4 marks a translated key as ephemeral, and
        // the next initSign of the (per-thread, reused) Signature with another key destroys it, so
        // a signer cached for later calls would fail with "Key has been destroyed".
        byte[] pkcs8 = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
        if (pkcs8 == null) {
            return key;
        }
        try {
            return keyFactory(key.getAlgorithm()).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            return key;
        } finally {
            java.util.Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
