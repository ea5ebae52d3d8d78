package dev.meshfed.core.pki;

import dev.meshfed.core.identity.SpiffeId;

/**
 * The checks of the leaf CSR order that need state outside the request: authorization (check 6),
 * the rate limit (check 8) and signer availability (check 9). {@link LeafCsrValidator} calls them
 * at their place in the order; each throws its own error ({@code NotAuthorized},
 * {@code RateLimited}, {@code NotReady}) to refuse.
 */
public interface LeafSigningGates {

    /** Check 6: the caller may obtain this identity (service:write, or mesh:write for a gateway). */
    void authorize(SpiffeId identity);

    /** Check 8: the DC's CSR rate limit allows one more signature now. */
    void acquireRateLimit();

    /** Check 9: the DC has an active signer that is valid now. */
    void requireSigner();

    /** Gates that let everything through: for tests of checks 1 to 5 and 7 only. */
    LeafSigningGates OPEN = new LeafSigningGates() {
        @Override
        public void authorize(SpiffeId identity) {
        }

        @Override
        public void acquireRateLimit() {
        }

        @Override
        public void requireSigner() {
        }
    };
}
