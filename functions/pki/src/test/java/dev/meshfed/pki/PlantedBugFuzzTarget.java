package dev.meshfed.pki;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshfed.core.error.InvalidCsr;

/**
 * A deliberately broken CSR parser under a fuzz test, run only by {@link FuzzSetupFailsOnCrashTest}
 * (the name does not end in {@code FuzzTest}, so the fuzz execution never picks it up). The bug is
 * the one the fuzzer found when {@link BcCsrParser}'s catch of ASN.1 runtime exceptions was
 * removed on purpose: Bouncy Castle's {@code IllegalStateException} escapes. Its committed input
 * ({@code PlantedBugFuzzTargetInputs/}) is that finding, kept as a regression input.
 */
class PlantedBugFuzzTarget {
    @FuzzTest
    void brokenParserLetsAsn1ErrorsEscape(byte[] input) {
        String pem = CsrFuzzTest.pemOf(input);
        try {
            PkiTestSupport.PARSER.parse(pem);
        } catch (InvalidCsr e) {
            if (e.reason() == InvalidCsr.Reason.MALFORMED && pem.contains("CERTIFICATE REQUEST")) {
                // the planted bug: what the parser refuses as malformed, this copy lets through raw
                throw new IllegalStateException("unexpected implicit primitive encoding (planted)");
            }
        }
    }
}
