package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.CertificateIssuer;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.CsrBuilder;
import dev.meshfed.core.pki.CsrParser;
import dev.meshfed.core.pki.KeyPairFactory;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.PrivateStore;
import java.time.Clock;
import java.util.function.Supplier;

/** What the parts of {@code rotate-leaves} share: one DC's stores, ports and clock. */
record Deps(Datacenter dc, String primaryDc, CaStore ca, PrivateStore privateStore, KeyVault vault,
        CertificateIssuer issuer, KeyPairFactory keys, CsrParser csrParser, CsrBuilder csrBuilder,
        CertificateProfiles profiles, Clock clock, Supplier<CaConfig> config) {

    String name() {
        return dc.name();
    }

    /** The CA key type of the DC's configuration (EC P-256 by default). */
    KeySpec caKeySpec() {
        CaConfig c = config.get();
        return KeySpec.forCa(c.privateKeyType(), c.privateKeyBits());
    }
}
