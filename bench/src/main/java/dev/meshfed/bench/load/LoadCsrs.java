package dev.meshfed.bench.load;

import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** The CSRs the load drivers and the cold-start driver send: empty subject, one SPIFFE URI SAN, SHA256withECDSA. */
public final class LoadCsrs {

    private LoadCsrs() {
    }

    /** A PEM CSR for {@code key} naming {@code spiffeUri}, signed with SunEC. */
    public static String pem(KeyPair key, String spiffeUri) throws IOException, OperatorCreationException {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeUri)));
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider("SunEC").build(key.getPrivate()));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(csr);
        }
        return pem.toString();
    }
}
