package dev.meshfed.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.meshfed.core.config.Fixtures.EC_PRIVATE_KEY_PEM;
import static dev.meshfed.core.config.Fixtures.ROOT_PEM;
import static dev.meshfed.core.config.Fixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

class CaConfigEncoderTest {

    @Test
    void theDefaultsEncodeInConsulsPascalCaseWithGoFormattedDurations() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("LeafCertTTL", "72h0m0s");
        expected.put("IntermediateCertTTL", "8760h0m0s");
        expected.put("RootCertTTL", "87600h0m0s");
        expected.put("PrivateKeyType", "ec");
        expected.put("PrivateKeyBits", 256);
        expected.put("CSRMaxPerSecond", 50L);
        expected.put("CSRMaxConcurrent", 0);
        expected.put("RootRenewBefore", "17520h0m0s");
        expected.put("AllowedDNSSuffixes", List.of());
        expected.put("AllowedIPRanges", List.of());

        Map<String, Object> encoded = CaConfigEncoder.encodeConfig(CaConfig.defaults());
        assertThat(encoded).containsExactlyEntriesOf(expected);
    }

    @Test
    void durationsAreReformattedTheGoWayWhateverTheOperatorWrote() {
        CaConfig c = CaConfigDecoder.decodeConfig(map("LeafCertTTL", "90m", "IntermediateCertTTL", "4320h",
                "RootRenewBefore", 3_600_000_000_000L)).config();
        Map<String, Object> encoded = CaConfigEncoder.encodeConfig(c);
        assertThat(encoded.get("LeafCertTTL")).isEqualTo("1h30m0s");
        assertThat(encoded.get("IntermediateCertTTL")).isEqualTo("4320h0m0s");
        assertThat(encoded.get("RootRenewBefore")).isEqualTo("1h0m0s");
    }

    @Test
    void csrMaxPerSecondIsAWholeNumberWhenItIsOneAndAFractionOtherwise() {
        assertThat(CaConfigEncoder.encodeConfig(CaConfig.builder().csrMaxPerSecond(0).build()).get("CSRMaxPerSecond"))
                .isEqualTo(0L);
        assertThat(CaConfigEncoder.encodeConfig(CaConfig.builder().csrMaxPerSecond(12.5).build()).get("CSRMaxPerSecond"))
                .isEqualTo(12.5);
    }

    @Test
    void decodingTheEncodingGivesBackAnEqualConfiguration() {
        CaConfig c = CaConfig.builder()
                .leafCertTtl(Duration.ofMinutes(150))
                .intermediateCertTtl(Duration.ofHours(1000))
                .rootCertTtl(Duration.ofHours(20000))
                .privateKeyType("rsa").privateKeyBits(4096)
                .csrMaxPerSecond(0.25).csrMaxConcurrent(3)
                .rootRenewBefore(Duration.ofHours(999).plusNanos(1))
                .allowedDnsSuffixes(List.of("example.com"))
                .allowedIpRanges(List.of("10.0.0.0/8", "fd00::/8"))
                .build();
        assertThat(CaConfigDecoder.decodeConfig(CaConfigEncoder.encodeConfig(c)).config()).isEqualTo(c);
    }

    @Test
    void aSuppliedRootIsNeverEncodedSoAReadModifyWriteNeedsNoKey() {
        CaConfigRequest put = CaConfigDecoder.decodeConfig(map("RootCert", ROOT_PEM, "PrivateKey", EC_PRIVATE_KEY_PEM));
        Map<String, Object> encoded = CaConfigEncoder.encodeConfig(put.config());
        assertThat(encoded).doesNotContainKeys("RootCert", "PrivateKey");
        assertThat(encoded.values()).noneMatch(v -> v.toString().contains("BEGIN"));
        // Sending back what was read decodes cleanly (no RootCert without PrivateKey).
        assertThat(CaConfigDecoder.decodeConfig(encoded).config().suppliedRoot()).isEmpty();
    }

    @Test
    void theResponseHasConsulsShape() {
        Map<String, Object> response = CaConfigEncoder.encodeResponse(CaConfig.defaults(), 5, 9);
        assertThat(response.keySet()).containsExactly("Provider", "Config", "State", "ForceWithoutCrossSigning",
                "CreateIndex", "ModifyIndex");
        assertThat(response.get("Provider")).isEqualTo("consul");
        assertThat(response.get("Config")).isEqualTo(CaConfigEncoder.encodeConfig(CaConfig.defaults()));
        assertThat(response).containsEntry("State", null);
        assertThat(response.get("ForceWithoutCrossSigning")).isEqualTo(false);
        assertThat(response.get("CreateIndex")).isEqualTo(5L);
        assertThat(response.get("ModifyIndex")).isEqualTo(9L);
    }

    @Test
    void theEncodedMapsCannotBeChanged() {
        Map<String, Object> encoded = CaConfigEncoder.encodeConfig(CaConfig.defaults());
        assertThat(Arrays.asList(encoded, CaConfigEncoder.encodeResponse(CaConfig.defaults(), 1, 1))).allSatisfy(m -> {
            try {
                m.put("x", 1);
                throw new AssertionError("map was modifiable");
            } catch (UnsupportedOperationException expected) {
                // expected
            }
        });
    }
}
