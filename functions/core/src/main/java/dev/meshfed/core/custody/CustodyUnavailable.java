package dev.meshfed.core.custody;

/**
 * The custody backend could not answer now: KMS throttled the call, failed on its side (5xx), or
 * could not be reached. Nothing is known to be wrong with the wrapped key or its context, so the
 * same call may succeed later; a stream handler reports the record as a batch item failure, an
 * HTTP handler answers 503. Contrast {@link KeyUnwrapFailed}, which retrying does not cure.
 *
 * <p>Like every custody error, the message names the operation, purpose, key ID and DC and never
 * carries key material, ciphertext or the backend's own error text; there is no cause, so nothing
 * from the vendor reaches a log through a stack trace.
 */
public final class CustodyUnavailable extends RuntimeException {
    public CustodyUnavailable(String message) {
        super(message, null, false, false);
    }
}
