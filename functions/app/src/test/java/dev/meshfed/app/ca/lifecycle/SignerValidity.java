package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.Versioned;
import java.time.Instant;
import java.util.Optional;

/**
 * Test helper (the leaf path itself asks {@link dev.meshfed.app.ca.ActiveSigner}, which also loads
 * the key): the leaf path's question before it signs: does this DC have a signer that is valid now? Reads
 * the DC's signer item only; touches no key. A DC in its first join (no chain yet), a retired
 * signer, and an intermediate that is expired or not yet valid all answer empty: such a signer
 * never signs (certificates.md, Expiry guards). During a re-key the previous intermediate stays
 * the answer until the new one is activated.
 */
final class SignerValidity {
    private final CaStore ca;
    private final String dc;

    SignerValidity(CaStore ca, String dc) {
        this.ca = ca;
        this.dc = dc;
    }

    /** This DC's chain if its signer is active and its intermediate valid at {@code now}. */
    Optional<DcChain> validSignerAt(Instant now) {
        return ca.signer(dc, true).map(Versioned::value).filter(s -> s.state() == SignerState.ACTIVE)
                .map(SignerRecord::chain).filter(c -> Certificates.isValidAt(c.signer(), now));
    }
}
