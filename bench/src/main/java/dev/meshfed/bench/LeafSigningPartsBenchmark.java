package dev.meshfed.bench;

import dev.meshfed.core.pki.CertificateRequest;
import dev.meshfed.core.pki.CertificateTemplate;
import dev.meshfed.core.pki.LeafCsrValidator;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.core.pki.Pem;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pieces of {@link LeafSigningBenchmark}'s work, each timed alone (average µs per call), so
 * the report can say where the time goes. Three are cumulative prefixes of the validation, so the
 * cost of a step is the difference between neighbours:
 *
 * <ul>
 *   <li>{@link #a_parse}: PEM decoding and the Bouncy Castle ASN.1 parse of the request;</li>
 *   <li>{@link #b_parseAndVerify}: plus decoding the request's key with the provider and
 *       verifying the request's signature (verify = b − a);</li>
 *   <li>{@link #c_validate}: plus every other check of the order (SANs, SPIFFE ID, trust domain, DC);</li>
 *   <li>{@link #d_buildAndSign}: from an approved request: the leaf profile, Bouncy Castle's
 *       certificate building, the provider's signature and the CertPEM encoding.</li>
 * </ul>
 *
 * and two bare primitives of the provider, for the floor under the pipeline's numbers:
 * {@link #e_rawVerify} (a fresh {@code initVerify} with an already decoded key, update, verify)
 * and {@link #f_rawSign} (update and sign on a {@link Signature} initialised once).
 */
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LeafSigningPartsBenchmark {

    @Benchmark
    public CertificateRequest a_parse(LeafSigningFixture f) {
        return f.parser.parse(f.csrPems[f.next()]);
    }

    @Benchmark
    public boolean b_parseAndVerify(LeafSigningFixture f) {
        return f.parser.parse(f.csrPems[f.next()]).signatureVerifies();
    }

    @Benchmark
    public LeafCsrValidator.Approved c_validate(LeafSigningFixture f) {
        return f.validator.validate(f.csrPems[f.next()], f.policy, LeafSigningGates.OPEN);
    }

    /** The rest of {@code LeafSigningCore.sign} after validation, step for step. */
    @Benchmark
    public String d_buildAndSign(LeafSigningFixture f) {
        LeafCsrValidator.Approved ok = f.approved[f.next()];
        CertificateTemplate t = f.profiles.leaf(ok.identity(), ok.publicKey(), ok.publicKeyInfo(), ok.dnsNames(), ok.ipAddresses(),
                f.signer.certificate(), f.now, LeafSigningFixture.LEAF_TTL);
        byte[] der = f.issuer.sign(t, f.signer.key());
        return Pem.encode(Pem.CERTIFICATE, der) + f.signer.chainPem();
    }

    @Benchmark
    public boolean e_rawVerify(LeafSigningFixture f) throws GeneralSecurityException {
        int i = f.next();
        Signature s = f.providers.signature("SHA256withECDSA");
        s.initVerify(f.csrKeys[i]);
        s.update(f.csrInfo[i]);
        return s.verify(f.csrSignature[i]);
    }

    @Benchmark
    public byte[] f_rawSign(LeafSigningFixture f) throws GeneralSecurityException {
        f.rawSigner.update(f.tbsSample);
        return f.rawSigner.sign();
    }
}
