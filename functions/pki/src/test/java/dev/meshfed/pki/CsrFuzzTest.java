package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshfed.core.config.CidrRange;
import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.TrustDomain;
import dev.meshfed.core.pki.CertificateRequest;
import dev.meshfed.core.pki.LeafCsrValidator;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.testkit.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Fuzzes the leaf CSR path of {@code sign-csr} on untrusted input: {@link BcCsrParser} and every
 * check of {@link LeafCsrValidator} (the code {@code LeafSigningCore} runs before it signs), plus
 * each accessor of the parsed request the intermediate checks use. The only acceptable outcomes
 * are an approved request or an {@link InvalidCsr} with a one-line, bounded text; anything else
 * (another exception, a StackOverflowError, an OutOfMemoryError) is a finding.
 *
 * <p>The first input byte picks how the rest is used:
 * <ul>
 *   <li>0: DER bytes, wrapped in a {@code CERTIFICATE REQUEST} PEM block (the parser's ASN.1 layer);</li>
 *   <li>1: the whole PEM text (framing, base64, block types);</li>
 *   <li>2: a recipe for a correctly signed CSR with fuzzed SANs, extensions and basic constraints,
 *       so that the checks after the signature (SAN shape, SPIFFE ID, trust domain, DC, CA flag)
 *       see hostile values too; mutated DER alone almost never gets past the signature;</li>
 *   <li>3: a recipe for the request's public key (algorithm and curve OIDs, RSA modulus), which
 *       the key rule reads before the signature: the refusal names the key, so this is where
 *       hostile OIDs would reach an error text.</li>
 * </ul>
 * Seeds (one valid CSR per mode, from the CSR fixtures) are in {@code CsrFuzzTestInputs/}.
 */
class CsrFuzzTest {
    private static final BcCsrParser PARSER = new BcCsrParser(PkiTestSupport.PROVIDERS);
    private static final LeafCsrValidator VALIDATOR = new LeafCsrValidator(PARSER);
    private static final LeafCsrValidator.Policy POLICY = new LeafCsrValidator.Policy(
            new TrustDomain(Fixtures.CLUSTER_ID + ".consul"), new Datacenter("dc1"), List.of("example.com"),
            List.of(CidrRange.parse("10.0.0.0/8"), CidrRange.parse("fd00::/8")));
    /** One key signs every recipe CSR: key generation per input would dominate the run. */
    private static final KeyPair KEY = ecKey();
    /** Longest error text a refusal may carry (UntrustedText bounds echoed input well below). */
    private static final int MAX_MESSAGE = 1024;

    @FuzzTest(maxDuration = "15s")
    void csrEndsApprovedOrInvalidCsr(byte[] input) {
        check(pemOf(input));
    }

    /** The CSR text an input stands for (see the class comment). */
    static String pemOf(byte[] input) {
        if (input.length == 0) {
            return "";
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        return switch (Math.floorMod(input[0], 4)) {
            case 0 -> Pem.encode(Pem.CERTIFICATE_REQUEST, rest);
            case 1 -> new String(rest, StandardCharsets.UTF_8);
            case 2 -> recipe(rest);
            default -> keyRecipe(rest);
        };
    }

    /** The leaf checks, then the parsed request's accessors, each ending in a value or InvalidCsr. */
    static void check(String pem) {
        try {
            LeafCsrValidator.Approved ok = VALIDATOR.validate(pem, POLICY, LeafSigningGates.OPEN);
            assertThat(ok.publicKeyInfo()).isNotEmpty();
        } catch (InvalidCsr e) {
            assertSafeText(e);
        }
        if (pem.length() > LeafCsrValidator.MAX_CSR_BYTES) {
            return; // the size check refuses it before the parser in both validators
        }
        CertificateRequest csr;
        try {
            csr = PARSER.parse(pem);
        } catch (InvalidCsr e) {
            assertSafeText(e);
            return;
        }
        // what IntermediateCsrValidator reads, in its order
        try {
            csr.keyInfo().describe();
            csr.keyInfo().allowedForLeaf();
            if (csr.keyInfo().caSpec() != null || csr.keyInfo().allowedForLeaf()) {
                csr.signatureVerifies();
                csr.publicKey();
                csr.publicKeyInfo();
            }
            csr.uris();
            csr.dnsNames();
            csr.ipAddresses();
            csr.emails();
            csr.otherSanCount();
            csr.requestsCa();
        } catch (InvalidCsr e) {
            assertSafeText(e);
        }
    }

    private static void assertSafeText(InvalidCsr e) {
        String m = e.getMessage();
        assertThat(m).as("refusal text").isNotBlank().hasSizeLessThanOrEqualTo(MAX_MESSAGE);
        assertThat(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("one printable line: %s", m).isTrue();
        assertThat(e.getStackTrace()).as("no stack trace on an expected refusal").isEmpty();
    }

    // ---- mode 2: a signed CSR built from a recipe ------------------------------------------

    /**
     * Reads {@code recipe} as a list of operations, each one opcode byte followed by a
     * length-prefixed value (one length byte), and builds a CSR signed by {@link #KEY}:
     * opcode mod 8 → 0 URI SAN, 1 DNS SAN, 2 IP SAN (raw octets), 3 e-mail SAN, 4 other-name-ish
     * SAN (registeredID / directoryName bytes), 5 CA basic constraint, 6 a raw extension value
     * under the SAN OID (replacing the names), 7 the subject's CN.
     */
    static String recipe(byte[] recipe) {
        List<GeneralName> names = new ArrayList<>();
        byte[] rawSan = null;
        boolean ca = false;
        String cn = "fuzz";
        int p = 0;
        while (p + 1 < recipe.length) {
            int op = recipe[p] & 0x07;
            int len = Math.min(recipe[p + 1] & 0xff, recipe.length - p - 2);
            byte[] value = Arrays.copyOfRange(recipe, p + 2, p + 2 + len);
            String text = new String(value, StandardCharsets.UTF_8);
            p += 2 + len;
            switch (op) {
                case 0 -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(text)));
                case 1 -> names.add(new GeneralName(GeneralName.dNSName, new DERIA5String(text)));
                case 2 -> names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(value)));
                case 3 -> names.add(new GeneralName(GeneralName.rfc822Name, new DERIA5String(text)));
                case 4 -> names.add(new GeneralName(GeneralName.otherName, new DERUTF8String(text)));
                case 5 -> ca = value.length == 0 || (value[0] & 1) == 1;
                case 6 -> rawSan = value;
                default -> cn = text;
            }
        }
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            if (rawSan != null) {
                ext.addExtension(new Extension(Extension.subjectAlternativeName, false, new DEROctetString(rawSan)));
            } else if (!names.isEmpty()) {
                ext.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            if (ca) {
                ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            }
            X500Principal subject;
            try {
                subject = new X500Principal("CN=" + cn.replaceAll("[^A-Za-z0-9 .-]", "_"));
            } catch (IllegalArgumentException e) {
                subject = new X500Principal("CN=fuzz");
            }
            var builder = new JcaPKCS10CertificationRequestBuilder(subject, KEY.getPublic());
            if (!ext.isEmpty()) {
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())).getEncoded();
            return Pem.encode(Pem.CERTIFICATE_REQUEST, der);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            // Bouncy Castle refuses to build this recipe: that is the test's own builder, not
            // the code under test, so the input is checked as an empty text instead
            return "";
        }
    }

    /**
     * A CSR whose SubjectPublicKeyInfo is built from {@code recipe} (first byte: 0 an EC key on a
     * curve OID, 1 a key of algorithm OID, 2 an RSA key with the rest as modulus; for OIDs each
     * further byte is one large arc), with a dummy signature: the key rule comes first.
     */
    static String keyRecipe(byte[] recipe) {
        if (recipe.length == 0) {
            return "";
        }
        try {
            StringBuilder oid = new StringBuilder("1.3");
            for (int i = 1; i < recipe.length; i++) {
                oid.append('.').append((recipe[i] & 0xffL) * 1_000_003L);
            }
            var arcs = new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid.toString());
            org.bouncycastle.asn1.x509.AlgorithmIdentifier alg = switch (recipe[0] & 0x03) {
                case 0 -> new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey, arcs);
                case 1 -> new org.bouncycastle.asn1.x509.AlgorithmIdentifier(arcs);
                default -> new org.bouncycastle.asn1.x509.AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                        org.bouncycastle.asn1.DERNull.INSTANCE);
            };
            byte[] keyBits = (recipe[0] & 0x03) >= 2
                    ? new org.bouncycastle.asn1.pkcs.RSAPublicKey(new java.math.BigInteger(1, recipe),
                            java.math.BigInteger.valueOf(65537)).getEncoded()
                    : new byte[] {4, 1, 2};
            var spki = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(alg, keyBits);
            var info = new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(
                    new org.bouncycastle.asn1.x500.X500Name("CN=fuzz"), spki, new org.bouncycastle.asn1.DERSet());
            var req = new org.bouncycastle.asn1.pkcs.CertificationRequest(info,
                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                            org.bouncycastle.asn1.x9.X9ObjectIdentifiers.ecdsa_with_SHA256),
                    new org.bouncycastle.asn1.DERBitString(new byte[8]));
            return Pem.encode(Pem.CERTIFICATE_REQUEST, req.getEncoded());
        } catch (IOException | RuntimeException e) {
            return ""; // the test's own builder refused the recipe
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
