package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.TrustDomain;
import dev.meshfed.core.pki.LeafCsrValidator;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.testkit.Fixtures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding of {@link CsrFuzzTest} (key recipes): the key rule's refusal names the request's key,
 * and for an unknown algorithm or curve that name is the OID from the request, which a hostile
 * CSR can make kilobytes long. The refusal must quote it bounded, as every other echoed value.
 */
class CsrKeyRefusalTextTest {

    private static byte[] recipe(int kind, int arcs) {
        byte[] r = new byte[1 + arcs];
        Arrays.fill(r, (byte) 0xff);
        r[0] = (byte) kind;
        return r;
    }

    @Test
    void aHugeAlgorithmOidIsQuotedBounded() {
        assertBounded(CsrFuzzTest.keyRecipe(recipe(1, 600)));
    }

    @Test
    void aHugeCurveOidIsQuotedBounded() {
        assertBounded(CsrFuzzTest.keyRecipe(recipe(0, 600)));
    }

    private static void assertBounded(String pem) {
        assertThat(pem).as("within the CSR size limit").hasSizeLessThan(LeafCsrValidator.MAX_CSR_BYTES);
        LeafCsrValidator.Policy policy = new LeafCsrValidator.Policy(new TrustDomain(Fixtures.CLUSTER_ID + ".consul"),
                new Datacenter("dc1"), List.of(), List.of());
        InvalidCsr refusal = catchThrowableOfType(InvalidCsr.class,
                () -> new LeafCsrValidator(PkiTestSupport.PARSER).validate(pem, policy, LeafSigningGates.OPEN));
        assertThat(refusal).isNotNull();
        assertThat(refusal.reason()).isEqualTo(InvalidCsr.Reason.WEAK_OR_UNSUPPORTED_KEY);
        assertThat(refusal.getMessage()).hasSizeLessThan(UntrustedText.MAX + 200);
    }
}
