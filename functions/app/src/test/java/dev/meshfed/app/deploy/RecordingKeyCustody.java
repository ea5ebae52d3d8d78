package dev.meshfed.app.deploy;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import java.security.PrivateKey;
import java.util.Objects;

/**
 * Key custody recording each call as the KMS call {@code KmsKeyCustody} makes for it: wrap and seal
 * are {@code GenerateDataKey}, unwrap and open are {@code Decrypt}, for the context's purpose.
 */
public final class RecordingKeyCustody implements KeyCustody {

    private final KeyCustody delegate;
    private final UseRecorder recorder;

    public RecordingKeyCustody(KeyCustody delegate, UseRecorder recorder) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    private void record(KeyContext context, KmsUse.Action action) {
        recorder.record(new Use.KmsCall(new KmsUse(context.purpose(), action)));
    }

    @Override
    public WrappedKey wrap(PrivateKey key, KeyContext context) {
        record(context, KmsUse.Action.GENERATE_DATA_KEY);
        return delegate.wrap(key, context);
    }

    @Override
    public PrivateKey unwrap(WrappedKey wrapped, KeyContext context) {
        record(context, KmsUse.Action.DECRYPT);
        return delegate.unwrap(wrapped, context);
    }

    @Override
    public SealedData seal(byte[] plaintext, KeyContext context) {
        record(context, KmsUse.Action.GENERATE_DATA_KEY);
        return delegate.seal(plaintext, context);
    }

    @Override
    public byte[] open(SealedData sealed, KeyContext context) {
        record(context, KmsUse.Action.DECRYPT);
        return delegate.open(sealed, context);
    }
}
