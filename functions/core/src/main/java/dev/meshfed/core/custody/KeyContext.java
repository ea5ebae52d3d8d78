package dev.meshfed.core.custody;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a wrapped key is for. Bound into the encryption, so it must be given again to unwrap.
 *
 * @param keyId the key's ID (colon-hex SHA-256 of its public key)
 */
public record KeyContext(String datacenter, String keyId, KeyPurpose purpose) {

    public KeyContext {
        Objects.requireNonNull(datacenter, "datacenter");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(purpose, "purpose");
    }

    /** The context as KMS encryption context pairs (what an IAM condition can test). */
    public Map<String, String> asEncryptionContext() {
        return Map.of("meshfed:dc", datacenter, "meshfed:keyId", keyId, "meshfed:purpose", purpose.wireName());
    }

    /** The context as additional authenticated data: length-prefixed fields, unambiguous. */
    public byte[] asAad() {
        StringBuilder sb = new StringBuilder("meshfed-key-v1");
        for (String f : new String[] {datacenter, keyId, purpose.wireName()}) {
            sb.append('\n').append(f.length()).append(':').append(f);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
