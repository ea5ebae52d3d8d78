package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule at its bound (accepted) and one step past it (refused with the exact text). */
class CaConfigValidatorTest {

    private static final Duration NS = Duration.ofNanos(1);

    private static CaConfig.Builder config() {
        return CaConfig.builder();
    }

    private static void accepted(CaConfig.Builder b) {
        assertThatCode(() -> CaConfigValidator.validate(b.build())).doesNotThrowAnyException();
    }

    private static void refused(CaConfig.Builder b, String message) {
        assertThatThrownBy(() -> CaConfigValidator.validate(b.build()))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(message);
    }

    @Test
    void theDefaultsAreValid() {
        accepted(config());
    }

    @Nested
    class RootCertTtl {
        @Test
        void mayEqualIntermediateCertTtl() {
            accepted(config().rootCertTtl(Duration.ofHours(8760)).rootRenewBefore(Duration.ofHours(1)));
        }

        @Test
        void oneNanosecondBelowIntermediateCertTtlIsRefusedWithConsulsText() {
            refused(config().rootCertTtl(Duration.ofHours(8760).minus(NS)).rootRenewBefore(Duration.ofHours(1)),
                    "root cert TTL is set and is not greater than intermediate cert ttl. root cert ttl:"
                            + " 8759h59m59.999999999s, intermediate cert ttl: 8760h0m0s");
        }

        @Test
        void isCheckedBeforeTheLeafRulesAsInConsul() {
            refused(config().rootCertTtl(Duration.ofHours(3)).intermediateCertTtl(Duration.ofHours(4))
                            .leafCertTtl(Duration.ofMinutes(1)).rootRenewBefore(Duration.ofHours(1)),
                    "root cert TTL is set and is not greater than intermediate cert ttl. root cert ttl: 3h0m0s,"
                            + " intermediate cert ttl: 4h0m0s");
        }
    }

    @Nested
    class LeafCertTtl {
        @Test
        void oneHourIsTheShortestAccepted() {
            accepted(config().leafCertTtl(Duration.ofHours(1)));
        }

        @Test
        void justUnderOneHourIsRefused() {
            refused(config().leafCertTtl(Duration.ofHours(1).minus(NS)),
                    "leaf cert TTL must be greater or equal than 1h0m0s");
        }

        @Test
        void zeroAndNegativeAreRefusedByTheSameRule() {
            refused(config().leafCertTtl(Duration.ZERO), "leaf cert TTL must be greater or equal than 1h0m0s");
            refused(config().leafCertTtl(Duration.ofHours(-72)), "leaf cert TTL must be greater or equal than 1h0m0s");
        }

        @Test
        void exactly8760HoursIsAcceptedDespiteConsulsWording() {
            accepted(config().leafCertTtl(Duration.ofHours(8760)).intermediateCertTtl(Duration.ofHours(3 * 8760)));
        }

        @Test
        void justOver8760HoursIsRefused() {
            refused(config().leafCertTtl(Duration.ofHours(8760).plus(NS)).intermediateCertTtl(Duration.ofHours(4 * 8760))
                            .rootCertTtl(Duration.ofHours(4 * 8760)),
                    "leaf cert TTL must be less than 8760h0m0s");
        }
    }

    @Nested
    class IntermediateCertTtl {
        @Test
        void threeHoursIsTheShortestAccepted() {
            accepted(config().leafCertTtl(Duration.ofHours(1)).intermediateCertTtl(Duration.ofHours(3)));
        }

        @Test
        void justUnderThreeHoursIsRefusedWithConsulsText() {
            refused(config().leafCertTtl(Duration.ofHours(1)).intermediateCertTtl(Duration.ofHours(3).minus(NS)),
                    "Intermediate Cert TTL must be greater or equal than 3h");
        }

        @Test
        void threeLeafLifetimesIsTheShortestAccepted() {
            accepted(config().leafCertTtl(Duration.ofHours(5)).intermediateCertTtl(Duration.ofHours(15)));
        }

        @Test
        void justUnderThreeLeafLifetimesIsRefusedNamingTheBound() {
            refused(config().leafCertTtl(Duration.ofHours(5)).intermediateCertTtl(Duration.ofHours(15).minus(NS)),
                    "Intermediate Cert TTL must be greater or equal than 3 * LeafCertTTL (>=15h0m0s).");
            refused(config().leafCertTtl(Duration.ofHours(2)).intermediateCertTtl(Duration.ofHours(4)),
                    "Intermediate Cert TTL must be greater or equal than 3 * LeafCertTTL (>=6h0m0s).");
        }
    }

    @Nested
    class Keys {
        @ParameterizedTest(name = "{0}/{1} accepted")
        @CsvSource({"ec,256", "ec,384", "rsa,2048", "rsa,4096"})
        void theFourSupportedKeysAreAccepted(String type, int bits) {
            accepted(config().privateKeyType(type).privateKeyBits(bits));
        }

        @ParameterizedTest(name = "ec/{0} refused")
        @ValueSource(ints = {224, 521, 0, 255, 257, 2048})
        void otherEcSizesAreRefusedListingOnlyWhatMeshfedAccepts(int bits) {
            refused(config().privateKeyType("ec").privateKeyBits(bits), "EC key length must be one of (256, 384) bits");
        }

        @ParameterizedTest(name = "rsa/{0} refused")
        @ValueSource(ints = {1024, 2047, 3072, 8192, 256})
        void otherRsaSizesAreRefused(int bits) {
            refused(config().privateKeyType("rsa").privateKeyBits(bits), "RSA key length must be 2048 or 4096 bits");
        }

        @ParameterizedTest(name = "\"{0}\" refused")
        @ValueSource(strings = {"", "EC", "RSA", "ed25519", "ecdsa"})
        void otherKeyTypesAreRefusedWithConsulsText(String type) {
            refused(config().privateKeyType(type), "private key type must be either 'ec' or 'rsa'");
        }
    }

    @Nested
    class CsrLimits {
        @Test
        void zeroDisablesTheRateLimitAndIsAccepted() {
            accepted(config().csrMaxPerSecond(0));
            accepted(config().csrMaxPerSecond(0.5));
        }

        @Test
        void aNegativeRateIsRefused() {
            refused(config().csrMaxPerSecond(-0.001), "invalid CSRMaxPerSecond -0.001: must be 0 (no rate limit) or more");
            refused(config().csrMaxPerSecond(-50), "invalid CSRMaxPerSecond -50: must be 0 (no rate limit) or more");
        }

        @Test
        void aRateThatIsNotFiniteIsRefused() {
            refused(config().csrMaxPerSecond(Double.NaN), "invalid CSRMaxPerSecond NaN: must be a finite number");
            refused(config().csrMaxPerSecond(Double.POSITIVE_INFINITY), "invalid CSRMaxPerSecond +Inf: must be a finite number");
        }

        @Test
        void concurrencyZeroIsAcceptedAndNegativeRefused() {
            accepted(config().csrMaxConcurrent(0));
            refused(config().csrMaxConcurrent(-1), "invalid CSRMaxConcurrent -1: must be 0 (no limit) or more");
        }
    }

    @Nested
    class RootRenewBefore {
        @Test
        void oneNanosecondIsTheSmallestAccepted() {
            accepted(config().rootRenewBefore(NS));
        }

        @Test
        void zeroAndNegativeAreRefused() {
            refused(config().rootRenewBefore(Duration.ZERO), "invalid RootRenewBefore 0s: must be greater than 0s");
            refused(config().rootRenewBefore(Duration.ofHours(-1)), "invalid RootRenewBefore -1h0m0s: must be greater than 0s");
        }

        @Test
        void justUnderRootCertTtlIsAcceptedAndEqualIsRefused() {
            accepted(config().rootRenewBefore(Duration.ofHours(87600).minus(NS)));
            refused(config().rootRenewBefore(Duration.ofHours(87600)),
                    "invalid RootRenewBefore 87600h0m0s: must be less than RootCertTTL 87600h0m0s");
        }
    }

    @Nested
    class AllowedDnsSuffixes {
        @Test
        void wellFormedNamesAreAccepted() {
            accepted(config().allowedDnsSuffixes(List.of("example.com", "svc.internal", "consul", "xn--bcher-kva.example",
                    "A-1.Example.COM", "a".repeat(63) + ".com")));
        }

        @ParameterizedTest(name = "\"{0}\": {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
                "``|must not be empty",
                ".example.com|must not start with a dot: an entry already allows every name below it",
                "*.example.com|must not contain a wildcard: an entry already allows every name below it",
                "example.com.|must not end with a dot",
                "ex ample.com|label \"ex ample\" must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen",
                "-a.com|label \"-a\" must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen",
                "a-.com|label \"a-\" must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen",
                "a..b|label \"\" must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen",
                "under_score.com|label \"under_score\" must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen",
                "b\u00fccher.de|label \"b\u00fccher\" must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen"})
        void malformedEntriesAreRefusedNamingTheEntryAndTheReason(String suffix, String reason) {
            refused(config().allowedDnsSuffixes(List.of("example.org", suffix)),
                    "invalid AllowedDNSSuffixes entry " + GoStrconv.quote(suffix) + ": " + reason);
        }

        @Test
        void aLabelOf64AndANameOf254CharactersAreRefused() {
            String label64 = "a".repeat(64) + ".com";
            refused(config().allowedDnsSuffixes(List.of(label64)), "invalid AllowedDNSSuffixes entry \"" + label64
                    + "\": label \"" + "a".repeat(64) + "\" must be 1 to 63 letters, digits or hyphens, not starting or"
                    + " ending with a hyphen");
            String name253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
            accepted(config().allowedDnsSuffixes(List.of(name253)));
            String name254 = name253 + "d";
            refused(config().allowedDnsSuffixes(List.of(name254)), "invalid AllowedDNSSuffixes entry \"" + name254
                    + "\": must be at most 253 characters");
        }
    }

    @Test
    void entriesTooLongOrShapedLikePemAreNotRepeatedInTheMessage() {
        String longName = "a".repeat(300);
        refused(config().allowedDnsSuffixes(List.of(longName)),
                "invalid AllowedDNSSuffixes entry (a value of 300 characters, not repeated): must be at most 253 characters");
        String pem = Fixtures.EC_PRIVATE_KEY_PEM;
        refused(config().allowedIpRanges(List.of(pem + "/8")), "invalid AllowedIPRanges entry (a value of "
                + (pem.length() + 2) + " characters, not repeated): (a value of " + pem.length()
                + " characters, not repeated) is not an IPv4 or IPv6 address");
    }

    @Nested
    class AllowedIpRanges {
        @Test
        void ipv4AndIpv6RangesAreAccepted() {
            accepted(config().allowedIpRanges(List.of("10.0.0.0/8", "0.0.0.0/0", "192.168.1.7/32", "fd00::/8", "::/0",
                    "2001:db8::/32", "2001:DB8:0:0:0:0:0:0/32", "::ffff:10.0.0.0/104", "1:2:3:4:5:6:7:8/128", "1::/16")));
        }

        @ParameterizedTest(name = "\"{0}\": {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
                "10.0.0.0|must be an address, a slash and a prefix length, like 10.0.0.0/8 or fd00::/8",
                "10.0.0.0/33|prefix length must be a whole number from 0 to 32 for an IPv4 address",
                "fd00::/129|prefix length must be a whole number from 0 to 128 for an IPv6 address",
                "10.0.0.0/08|prefix length must be a whole number from 0 to 32 for an IPv4 address",
                "10.0.0.0/|prefix length must be a whole number from 0 to 32 for an IPv4 address",
                "10.0.0.0/-1|prefix length must be a whole number from 0 to 32 for an IPv4 address",
                "10.0.0.0/ 8|prefix length must be a whole number from 0 to 32 for an IPv4 address",
                "010.0.0.0/8|\"010.0.0.0\" is not an IPv4 or IPv6 address",
                "10.0.0.256/32|\"10.0.0.256\" is not an IPv4 or IPv6 address",
                "10.0.0/24|\"10.0.0\" is not an IPv4 or IPv6 address",
                "example.com/8|\"example.com\" is not an IPv4 or IPv6 address",
                "fe80::1%eth0/64|\"fe80::1%eth0\" is not an IPv4 or IPv6 address",
                "1::2::3/64|\"1::2::3\" is not an IPv4 or IPv6 address",
                "1:2:3:4:5:6:7:8:9/128|\"1:2:3:4:5:6:7:8:9\" is not an IPv4 or IPv6 address",
                "1::2:3:4:5:6:7:8/128|\"1::2:3:4:5:6:7:8\" is not an IPv4 or IPv6 address",
                "12345::/16|\"12345::\" is not an IPv4 or IPv6 address",
                "10.0.0.1/8|host bits are set below the prefix; the range is 10.0.0.0/8",
                "fd00::1/8|host bits are set below the prefix; the range is fd00::/8",
                "2001:db8:0:0:1:0:0:1/32|host bits are set below the prefix; the range is 2001:db8::/32"})
        void malformedRangesAreRefusedNamingTheEntryAndTheReason(String range, String reason) {
            refused(config().allowedIpRanges(List.of("10.0.0.0/8", range)),
                    "invalid AllowedIPRanges entry " + GoStrconv.quote(range) + ": " + reason);
        }
    }
}
