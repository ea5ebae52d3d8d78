package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.store.PrivateStore;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Optional;

/**
 * A DC's CA keys (root, intermediates) in its private table, wrapped by key custody with the
 * context (DC, key ID, purpose). Key IDs are the SKIDs of the public keys, so a certificate names
 * the stored key that signs with it.
 */
final class KeyVault {
    private final String dc;
    private final PrivateStore store;
    private final KeyCustody custody;

    KeyVault(String dc, PrivateStore store, KeyCustody custody) {
        this.dc = dc;
        this.store = store;
        this.custody = custody;
    }

    /** Wraps and stores a new key; returns its key ID. */
    String store(KeyPair key, KeyPurpose purpose) {
        String keyId = KeyIds.keyIdHex(key.getPublic());
        store.putSignerKey(keyId, custody.wrap(key.getPrivate(), new KeyContext(dc, keyId, purpose)));
        return keyId;
    }

    boolean holds(String keyId) {
        return store.signerKey(keyId).isPresent();
    }

    /** Unwraps a stored key; empty when no key with that ID is stored. */
    Optional<PrivateKey> load(String keyId, KeyPurpose purpose) {
        return store.signerKey(keyId).map(v -> custody.unwrap(v.value(), new KeyContext(dc, keyId, purpose)));
    }
}
