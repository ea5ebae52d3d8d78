package dev.meshfed.core.store.codec;

import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.store.Fields;
import java.security.cert.X509Certificate;
import java.util.List;

/** Certificates in items are PEM text; reading them back is checked like any other field. */
final class Pems {
    private Pems() {
    }

    static X509Certificate one(Fields f, String name) {
        List<X509Certificate> certs = many(f, f.s(name), name);
        if (certs.size() != 1) {
            throw f.error("attribute " + name + " must hold exactly one certificate");
        }
        return certs.get(0);
    }

    static X509Certificate oneOrNull(Fields f, String name) {
        return f.sOrNull(name) == null ? null : one(f, name);
    }

    static List<X509Certificate> many(Fields f, String pem, String name) {
        try {
            return Certificates.fromPem(pem);
        } catch (RuntimeException e) {
            throw f.error("attribute " + name + " is not valid certificate PEM");
        }
    }

    static String pem(List<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(Certificates.toPem(c)));
        return sb.toString();
    }
}
