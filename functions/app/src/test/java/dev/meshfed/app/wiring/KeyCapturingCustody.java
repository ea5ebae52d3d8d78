package dev.meshfed.app.wiring;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;

import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link KeyCustody} decorator that remembers every private key it sees in plaintext (at wrap
 * time, and the result of every unwrap) and every plaintext it seals, so a scan can afterwards
 * look for exactly those bytes where they must not be. Only the custody port sees plaintext keys,
 * so a key that reaches storage or a log without passing here is one the scan finds by its PEM
 * marker alone.
 */
final class KeyCapturingCustody implements KeyCustody {

    /** One plaintext key and the context it was wrapped or unwrapped under. */
    record Seen(PrivateKey key, KeyContext context) {
    }

    private final KeyCustody delegate;
    /** Shared by every DC's decorator, keyed by PKCS#8 encoding, so a key is listed once. */
    private final Map<String, Seen> keys;
    private final List<byte[]> sealed;

    KeyCapturingCustody(KeyCustody delegate, Map<String, Seen> keys, List<byte[]> sealed) {
        this.delegate = delegate;
        this.keys = keys;
        this.sealed = sealed;
    }

    static Map<String, Seen> newKeyMap() {
        return new ConcurrentHashMap<>();
    }

    static List<byte[]> newSealedList() {
        return new CopyOnWriteArrayList<>();
    }

    private void remember(PrivateKey key, KeyContext context) {
        keys.putIfAbsent(java.util.Base64.getEncoder().encodeToString(key.getEncoded()), new Seen(key, context));
    }

    @Override
    public WrappedKey wrap(PrivateKey key, KeyContext context) {
        remember(key, context);
        return delegate.wrap(key, context);
    }

    @Override
    public PrivateKey unwrap(WrappedKey wrapped, KeyContext context) {
        PrivateKey key = delegate.unwrap(wrapped, context);
        remember(key, context);
        return key;
    }

    @Override
    public SealedData seal(byte[] plaintext, KeyContext context) {
        sealed.add(plaintext.clone());
        return delegate.seal(plaintext, context);
    }

    @Override
    public byte[] open(SealedData data, KeyContext context) {
        return delegate.open(data, context);
    }
}
