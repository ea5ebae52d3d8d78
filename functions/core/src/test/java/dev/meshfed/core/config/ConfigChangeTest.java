package dev.meshfed.core.config;

import dev.meshfed.core.config.ConfigChange.Kind;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.identity.DatacenterRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static dev.meshfed.core.config.Fixtures.OTHER_ROOT_DER;
import static dev.meshfed.core.config.Fixtures.ROOT_DER;
import static dev.meshfed.core.config.Fixtures.root;
import static dev.meshfed.core.identity.DatacenterRole.PRIMARY;
import static dev.meshfed.core.identity.DatacenterRole.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigChangeTest {

    private static final CaConfig CURRENT = CaConfig.defaults();
    private static final CaConfig CURRENT_WITH_ROOT = CaConfig.builder().suppliedRoot(root(ROOT_DER)).build();

    @ParameterizedTest
    @EnumSource(DatacenterRole.class)
    void anIdenticalConfigurationIsANoOp(DatacenterRole role) {
        ConfigChange change = ConfigChange.classify(role, CURRENT, CaConfig.builder().build());
        assertThat(change.kind()).isEqualTo(Kind.NO_CHANGE);
        assertThat(change.effective()).isSameAs(CURRENT);
        assertThat(change.reason()).isEqualTo("configuration unchanged");
    }

    @ParameterizedTest
    @EnumSource(DatacenterRole.class)
    void changesThatKeepKeyAndRootAreConfigurationOnly(DatacenterRole role) {
        for (CaConfig proposed : List.of(
                CaConfig.builder().leafCertTtl(Duration.ofHours(24)).build(),
                CaConfig.builder().intermediateCertTtl(Duration.ofHours(4000)).build(),
                CaConfig.builder().rootCertTtl(Duration.ofHours(50000)).build(),
                CaConfig.builder().rootRenewBefore(Duration.ofHours(1000)).build(),
                CaConfig.builder().csrMaxPerSecond(0).csrMaxConcurrent(4).build(),
                CaConfig.builder().allowedDnsSuffixes(List.of("example.com")).build(),
                CaConfig.builder().allowedIpRanges(List.of("10.0.0.0/8")).build())) {
            ConfigChange change = ConfigChange.classify(role, CURRENT, proposed);
            assertThat(change.kind()).as("%s", proposed).isEqualTo(Kind.CONFIG_ONLY);
            assertThat(change.effective()).isEqualTo(proposed);
            assertThat(change.reason()).isEqualTo("configuration changed, same key and root");
        }
    }

    @ParameterizedTest(name = "ec/256 -> {0}/{1} in the {2}: {3}")
    @CsvSource({
            "rsa,2048,PRIMARY,NEW_ROOT",
            "ec,384,PRIMARY,NEW_ROOT",
            "rsa,2048,SECONDARY,NEW_INTERMEDIATE",
            "ec,384,SECONDARY,NEW_INTERMEDIATE"})
    void aNewKeyTypeOrSizeRotates(String type, int bits, DatacenterRole role, Kind expected) {
        CaConfig proposed = CaConfig.builder().privateKeyType(type).privateKeyBits(bits).build();
        ConfigChange change = ConfigChange.classify(role, CURRENT, proposed);
        assertThat(change.kind()).isEqualTo(expected);
        assertThat(change.effective()).isEqualTo(proposed);
        assertThat(change.reason()).isEqualTo("key changed from ec/256 to " + type + "/" + bits);
    }

    @Test
    void aFirstSuppliedRootRotatesThePrimaryAndReissuesASecondarysIntermediate() {
        CaConfig proposed = CaConfig.builder().suppliedRoot(root(ROOT_DER)).build();
        ConfigChange primary = ConfigChange.classify(PRIMARY, CURRENT, proposed);
        assertThat(primary.kind()).isEqualTo(Kind.NEW_ROOT);
        assertThat(primary.effective().suppliedRoot()).contains(root(ROOT_DER));
        assertThat(primary.reason()).isEqualTo("root supplied with sha256 " + CaConfigDecoder.sha256Hex(ROOT_DER));
        assertThat(ConfigChange.classify(SECONDARY, CURRENT, proposed).kind()).isEqualTo(Kind.NEW_INTERMEDIATE);
    }

    @Test
    void aSuppliedRootWithADifferentHashRotates() {
        CaConfig proposed = CaConfig.builder().suppliedRoot(root(OTHER_ROOT_DER)).build();
        assertThat(ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, proposed).kind()).isEqualTo(Kind.NEW_ROOT);
        assertThat(ConfigChange.classify(SECONDARY, CURRENT_WITH_ROOT, proposed).kind()).isEqualTo(Kind.NEW_INTERMEDIATE);
    }

    @Test
    void theSameSuppliedRootAgainIsNotARotationEvenWithOtherLineBreaks() {
        String reflowed = "-----BEGIN CERTIFICATE-----\r\n" + Base64.getEncoder().encodeToString(ROOT_DER)
                + "\r\n-----END CERTIFICATE-----";
        CaConfig proposed = CaConfig.builder()
                .suppliedRoot(new SuppliedRoot(reflowed, CaConfigDecoder.sha256Hex(ROOT_DER))).build();
        ConfigChange change = ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, proposed);
        assertThat(change.kind()).isEqualTo(Kind.NO_CHANGE);
        assertThat(change.effective().suppliedRoot().orElseThrow().rootCertPem())
                .isEqualTo(CURRENT_WITH_ROOT.suppliedRoot().orElseThrow().rootCertPem());

        CaConfig withTtl = proposed.toBuilder().leafCertTtl(Duration.ofHours(12)).build();
        assertThat(ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, withTtl).kind()).isEqualTo(Kind.CONFIG_ONLY);
    }

    @Test
    void leavingTheSuppliedRootOutKeepsItSoAReadModifyWriteIsANoOp() {
        CaConfig readBack = CaConfigDecoder.decodeConfig(CaConfigEncoder.encodeConfig(CURRENT_WITH_ROOT)).config();
        ConfigChange change = ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, readBack);
        assertThat(change.kind()).isEqualTo(Kind.NO_CHANGE);
        assertThat(change.effective().suppliedRoot()).contains(root(ROOT_DER));

        CaConfig shorterLeaves = readBack.toBuilder().leafCertTtl(Duration.ofHours(24)).build();
        ConfigChange configOnly = ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, shorterLeaves);
        assertThat(configOnly.kind()).isEqualTo(Kind.CONFIG_ONLY);
        assertThat(configOnly.effective().suppliedRoot()).contains(root(ROOT_DER));
        assertThat(configOnly.effective().leafCertTtl()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aNewKeyWithoutASuppliedRootDropsTheOldSuppliedRoot() {
        CaConfig proposed = CaConfig.builder().privateKeyType("rsa").privateKeyBits(4096).build();
        ConfigChange change = ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, proposed);
        assertThat(change.kind()).isEqualTo(Kind.NEW_ROOT);
        assertThat(change.effective().suppliedRoot()).isEmpty();
    }

    @Test
    void aNewKeyTogetherWithANewSuppliedRootRotates() {
        CaConfig proposed = CaConfig.builder().privateKeyType("rsa").privateKeyBits(2048)
                .suppliedRoot(root(OTHER_ROOT_DER)).build();
        ConfigChange change = ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, proposed);
        assertThat(change.kind()).isEqualTo(Kind.NEW_ROOT);
        assertThat(change.effective().suppliedRoot()).contains(root(OTHER_ROOT_DER));
    }

    @Test
    void aNewKeyWithTheSameSuppliedRootIsAContradictionAndRefused() {
        CaConfig proposed = CURRENT_WITH_ROOT.toBuilder().privateKeyBits(384).build();
        assertThatThrownBy(() -> ConfigChange.classify(PRIMARY, CURRENT_WITH_ROOT, proposed))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("PrivateKeyType and PrivateKeyBits cannot change while the current RootCert is supplied"
                        + " again: supply a new root, or leave RootCert and PrivateKey out to have meshfed generate one");
    }

    @Test
    void theReasonNeverCarriesKeyMaterial() {
        CaConfigRequest put = CaConfigDecoder.decodeConfig(Fixtures.map("RootCert", Fixtures.ROOT_PEM,
                "PrivateKey", Fixtures.EC_PRIVATE_KEY_PEM));
        ConfigChange change = ConfigChange.classify(PRIMARY, CURRENT, put.config());
        assertThat(change.toString()).doesNotContain(Fixtures.KEY_MARKER).doesNotContain(Fixtures.KEY_BODY)
                .doesNotContain(new String(Base64.getEncoder().encode(ROOT_DER), StandardCharsets.US_ASCII));
    }
}
