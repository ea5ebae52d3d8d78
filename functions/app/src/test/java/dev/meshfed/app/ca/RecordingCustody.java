package dev.meshfed.app.ca;

import dev.meshfed.app.ca.lifecycle.RotateLeaves;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Key custody that records every unwrap with whether {@link RotateLeaves} was on the call stack. */
public final class RecordingCustody implements KeyCustody {

    public record Unwrap(KeyContext context, boolean viaRotateLeaves) {
    }

    private final KeyCustody delegate;
    private final List<Unwrap> unwraps = Collections.synchronizedList(new ArrayList<>());

    public RecordingCustody(KeyCustody delegate) {
        this.delegate = delegate;
    }

    @Override
    public WrappedKey wrap(PrivateKey key, KeyContext context) {
        return delegate.wrap(key, context);
    }

    @Override
    public PrivateKey unwrap(WrappedKey wrapped, KeyContext context) {
        boolean via = StackWalker.getInstance().walk(frames -> frames
                .anyMatch(f -> f.getClassName().equals(RotateLeaves.class.getName())));
        unwraps.add(new Unwrap(context, via));
        return delegate.unwrap(wrapped, context);
    }

    @Override
    public SealedData seal(byte[] plaintext, KeyContext context) {
        return delegate.seal(plaintext, context);
    }

    @Override
    public byte[] open(SealedData sealed, KeyContext context) {
        return delegate.open(sealed, context);
    }

    /** The custody that really wraps and unwraps. */
    public KeyCustody delegate() {
        return delegate;
    }

    public List<Unwrap> unwraps() {
        return List.copyOf(unwraps);
    }

    /** The context of every unwrap, in order. */
    public List<KeyContext> contexts() {
        return unwraps().stream().map(Unwrap::context).toList();
    }

    public List<Unwrap> unwraps(KeyPurpose purpose) {
        return unwraps().stream().filter(u -> u.context().purpose() == purpose).toList();
    }
}
