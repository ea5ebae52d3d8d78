package dev.meshfed.core.pki;

import dev.meshfed.core.identity.KeyIds;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * JDK-only helpers for certificates meshfed already holds: PEM conversion, the key identifier
 * extensions, validity. Parsing untrusted input is not done here (that is the PKI adapter's job).
 */
public final class Certificates {
    private static final String SKID_OID = "2.5.29.14";
    private static final String AKID_OID = "2.5.29.35";

    private Certificates() {
    }

    public static X509Certificate fromDer(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not an X.509 certificate");
        }
    }

    /** Every CERTIFICATE block of a PEM text, in order. */
    public static List<X509Certificate> fromPem(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Pem.Block b : Pem.decodeAll(pem)) {
                if (Pem.CERTIFICATE.equals(b.type())) {
                    out.add(fromDer(b.der()));
                }
            }
        } catch (Pem.MalformedPem e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return out;
    }

    public static byte[] der(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    public static String toPem(X509Certificate cert) {
        return Pem.encode(Pem.CERTIFICATE, der(cert));
    }

    /** The SubjectKeyIdentifier extension's bytes, or, when absent, the SHA-256 key ID of the key. */
    public static byte[] subjectKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(SKID_OID);
        if (ext == null) {
            return KeyIds.keyId(cert.getPublicKey());
        }
        // extnValue OCTET STRING { KeyIdentifier OCTET STRING }
        Der outer = new Der(ext, 0);
        Der inner = new Der(ext, outer.contentStart);
        return inner.content(ext);
    }

    /** The keyIdentifier of the AuthorityKeyIdentifier extension, or null when absent. */
    public static byte[] authorityKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(AKID_OID);
        if (ext == null) {
            return null;
        }
        // extnValue OCTET STRING { SEQUENCE { [0] keyIdentifier OPTIONAL, ... } }
        Der outer = new Der(ext, 0);
        Der seq = new Der(ext, outer.contentStart);
        int p = seq.contentStart;
        int end = seq.contentStart + seq.length;
        while (p < end) {
            Der field = new Der(ext, p);
            if ((ext[p] & 0xff) == 0x80) {
                return field.content(ext);
            }
            p = field.contentStart + field.length;
        }
        return null;
    }

    /** X.509 validity: NotBefore ≤ t ≤ NotAfter (both inclusive). */
    public static boolean isValidAt(X509Certificate cert, Instant t) {
        return !t.isBefore(cert.getNotBefore().toInstant()) && !t.isAfter(cert.getNotAfter().toInstant());
    }

    /** A minimal DER TLV header reader for the two extensions above. */
    private static final class Der {
        final int contentStart;
        final int length;

        Der(byte[] b, int offset) {
            int p = offset + 1;
            int first = b[p++] & 0xff;
            int len;
            if (first < 0x80) {
                len = first;
            } else {
                int n = first & 0x7f;
                if (n == 0 || n > 3) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[p++] & 0xff);
                }
            }
            if (p + len > b.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            this.contentStart = p;
            this.length = len;
        }

        byte[] content(byte[] b) {
            byte[] out = new byte[length];
            System.arraycopy(b, contentStart, out, 0, length);
            return out;
        }
    }
}
