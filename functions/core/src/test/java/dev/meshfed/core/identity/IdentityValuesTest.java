package dev.meshfed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdentityValuesTest {

    @Test
    void clusterIdIsALowerCaseUuidAndTheTrustDomainDerivesFromIt() {
        ClusterId id = ClusterId.random();
        assertThat(id.value()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(id.trustDomain().value()).isEqualTo(id.value() + ".consul");
        assertThat(id.trustDomain().external()).isEqualTo(id.value());
        assertThat(id.shortId()).isEqualTo(id.value().substring(0, 8));
        assertThatThrownBy(() -> new ClusterId("7D8B1E6C-3F2A-4C5E-9A1B-2C3D4E5F6A7B")).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> new ClusterId("7d8b1e6c3f2a4c5e9a1b2c3d4e5f6a7b")).isInstanceOf(InvalidInput.class);
    }

    @Test
    void datacenterNamesFollowTheConfiguredPattern() {
        assertThat(new Datacenter("dc1").name()).isEqualTo("dc1");
        assertThat(new Datacenter("a" + "b".repeat(62)).name()).hasSize(63);
        for (String bad : new String[] {"", "-dc", "DC1", "dc_1", "a".repeat(64), "dc 1"}) {
            assertThatThrownBy(() -> new Datacenter(bad)).as(bad).isInstanceOf(InvalidInput.class);
        }
    }

    @Test
    void keyIdIsSha256OfTheSubjectPublicKeyInfoAsColonHex() throws Exception {
        var kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(kp.getPublic().getEncoded());
        assertThat(KeyIds.keyId(kp.getPublic())).isEqualTo(expected).hasSize(32);
        assertThat(KeyIds.keyIdHex(kp.getPublic())).hasSize(32 * 3 - 1).matches("([0-9a-f]{2}:){31}[0-9a-f]{2}");
    }

    @Test
    void rootIdIsTheSha1FingerprintAsColonHex() {
        byte[] der = {1, 2, 3};
        assertThat(KeyIds.rootId(der)).isEqualTo("70:37:80:71:98:c2:2a:7d:2b:08:07:37:1d:76:37:79:a8:4f:df:cf");
    }

    @Test
    void colonHexOfSerialsUsesTheMinimalUnsignedBytes() {
        assertThat(ColonHex.ofUnsigned(new BigInteger("ff01", 16))).isEqualTo("ff:01"); // no 00 sign byte
        assertThat(ColonHex.ofUnsigned(BigInteger.valueOf(7))).isEqualTo("07");
        assertThat(ColonHex.parse("ff:01")).isEqualTo(HexFormat.of().parseHex("ff01"));
        assertThat(ColonHex.parse("ff01")).isNull();
        assertThat(ColonHex.parse("f:f0")).isNull();
    }

    @Test
    void serialNumbersArePositiveAndWithinTheirWidth() {
        SerialNumbers s = new SerialNumbers(new Random(1));
        for (int i = 0; i < 2000; i++) {
            BigInteger ca = s.nextCa();
            BigInteger leaf = s.nextLeaf();
            assertThat(ca.signum()).isPositive();
            assertThat(ca.bitLength()).isLessThanOrEqualTo(63);
            assertThat(leaf.signum()).isPositive();
            assertThat(leaf.bitLength()).isLessThanOrEqualTo(128);
        }
    }

    @Test
    void serialNumbersNeverReturnZeroEvenFromADegenerateSource() {
        Random zeroesThenOnes = new Random() {
            int calls;

            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, (byte) (calls++ < 3 ? 0 : 1));
            }

            @Override
            public int nextInt() {
                return calls++ < 3 ? 0 : 1;
            }
        };
        assertThat(new SerialNumbers(zeroesThenOnes).nextCa().signum()).isPositive();
    }
}
