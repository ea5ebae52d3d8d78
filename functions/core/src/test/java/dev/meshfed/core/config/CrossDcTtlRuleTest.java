package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrossDcTtlRuleTest {

    private static final Duration NS = Duration.ofNanos(1);

    private static Duration h(long hours) {
        return Duration.ofHours(hours);
    }

    private static CaConfig primary(Duration leaf, Duration intermediate) {
        return CaConfig.builder().leafCertTtl(leaf).intermediateCertTtl(intermediate).build();
    }

    @Nested
    class InThePrimary {
        @Test
        void theDefaultsFitAFederationOnDefaults() {
            assertThatCode(() -> CrossDcTtlRule.checkPrimary("dc1", CaConfig.defaults(),
                    Map.of("dc2", h(72), "dc3", h(72)))).doesNotThrowAnyException();
        }

        @Test
        void exactlyThreeTimesTheLongestMemberLeafIsAccepted() {
            assertThatCode(() -> CrossDcTtlRule.checkPrimary("dc1", primary(h(72), h(300)), Map.of("dc2", h(100))))
                    .doesNotThrowAnyException();
        }

        @Test
        void oneNanosecondShortIsRefusedNamingTheMemberAndBothValues() {
            assertThatThrownBy(() -> CrossDcTtlRule.checkPrimary("dc1", primary(h(72), h(300).minus(NS)),
                    Map.of("dc2", h(100))))
                    .isInstanceOf(InvalidInput.class)
                    .hasMessage("invalid IntermediateCertTTL 299h59m59.999999999s for primary dc1: must be at least 3 *"
                            + " the largest LeafCertTTL of any member datacenter, and dc2 has LeafCertTTL 100h0m0s, so at"
                            + " least 300h0m0s");
        }

        @Test
        void theMemberNamedIsTheOneWithTheLongestLeaf() {
            assertThatThrownBy(() -> CrossDcTtlRule.checkPrimary("dc1", primary(h(24), h(200)),
                    Map.of("dc2", h(50), "dc3", h(100), "dc4", h(80))))
                    .hasMessageContaining("and dc3 has LeafCertTTL 100h0m0s, so at least 300h0m0s");
        }

        @Test
        void aTieIsReportedForTheFirstDatacenterByName() {
            assertThatThrownBy(() -> CrossDcTtlRule.checkPrimary("dc1", primary(h(24), h(200)),
                    Map.of("dc3", h(100), "dc2", h(100))))
                    .hasMessageContaining("and dc2 has LeafCertTTL 100h0m0s");
        }

        @Test
        void thePrimarysOwnLeafComesFromTheProposedConfigNotTheMap() {
            assertThatCode(() -> CrossDcTtlRule.checkPrimary("dc1", primary(h(72), h(300)),
                    Map.of("dc1", h(500), "dc2", h(100)))).doesNotThrowAnyException();
            assertThatThrownBy(() -> CrossDcTtlRule.checkPrimary("dc1", primary(h(150), h(400)), Map.of("dc2", h(1))))
                    .hasMessage("invalid IntermediateCertTTL 400h0m0s for primary dc1: must be at least 3 * the largest"
                            + " LeafCertTTL of any member datacenter, and dc1 has LeafCertTTL 150h0m0s, so at least"
                            + " 450h0m0s");
        }

        @Test
        void aPrimaryWithoutMembersIsCheckedAgainstItself() {
            assertThatCode(() -> CrossDcTtlRule.checkPrimary("dc1", CaConfig.defaults(), Map.of()))
                    .doesNotThrowAnyException();
        }
    }

    @Nested
    class InASecondary {
        @Test
        void aThirdOfThePrimarysIntermediateTtlIsAccepted() {
            assertThatCode(() -> CrossDcTtlRule.checkSecondary("dc2", h(72), h(80), "dc1", h(240)))
                    .doesNotThrowAnyException();
        }

        @Test
        void oneNanosecondPastAThirdIsRefusedNamingBothDatacentersAndValues() {
            assertThatThrownBy(() -> CrossDcTtlRule.checkSecondary("dc2", h(72), h(80).plus(NS), "dc1", h(240)))
                    .isInstanceOf(InvalidInput.class)
                    .hasMessage("invalid LeafCertTTL 80h0m0.000000001s for dc2: a secondary may not raise its LeafCertTTL"
                            + " past a third of primary dc1's IntermediateCertTTL 240h0m0s, which is 80h0m0s");
        }

        @Test
        void aThirdThatIsNotWholeHoursIsComparedExactly() {
            assertThatCode(() -> CrossDcTtlRule.checkSecondary("dc2", h(1), Duration.ofMinutes(2000), "dc1", h(100)))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> CrossDcTtlRule.checkSecondary("dc2", h(1), Duration.ofMinutes(2000).plus(NS), "dc1",
                    h(100)))
                    .hasMessageEndingWith("IntermediateCertTTL 100h0m0s, which is 33h20m0s");
        }

        @Test
        void keepingOrLoweringALeafTtlThatIsAlreadyPastTheBoundIsAllowed() {
            assertThatCode(() -> CrossDcTtlRule.checkSecondary("dc2", h(100), h(100), "dc1", h(240)))
                    .doesNotThrowAnyException();
            assertThatCode(() -> CrossDcTtlRule.checkSecondary("dc2", h(100), h(90), "dc1", h(240)))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> CrossDcTtlRule.checkSecondary("dc2", h(100), h(101), "dc1", h(240)))
                    .isInstanceOf(InvalidInput.class);
        }
    }
}
