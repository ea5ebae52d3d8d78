package dev.meshfed.pki;

import dev.meshfed.core.pki.CsrBuilder;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.pki.SignatureAlgorithm;
import java.io.IOException;
import java.security.KeyPair;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** PKCS#10 requests built with Bouncy Castle and signed with the chosen JCA provider. */
public final class BcCsrBuilder implements CsrBuilder {
    private final CryptoProviders providers;

    public BcCsrBuilder(CryptoProviders providers) {
        this.providers = providers;
    }

    @Override
    public String caRequest(KeyPair key, String uriSan) {
        try {
            GeneralNames san = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uriSan));
            Extensions ext = new Extensions(new Extension(Extension.subjectAlternativeName, false,
                    san.getEncoded()));
            var builder = new JcaPKCS10CertificationRequestBuilder(new X500Principal(""), key.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext);
            String alg = SignatureAlgorithm.forSigner(key.getPublic()).jcaName();
            byte[] der = builder.build(new BcCertificateIssuer.JcaSigner(providers, alg, key.getPrivate())).getEncoded();
            return Pem.encode(Pem.CERTIFICATE_REQUEST, der);
        } catch (IOException e) {
            throw new IllegalStateException("CSR encoding failed", e);
        }
    }
}
