package dev.meshfed.core.pki;

import java.security.KeyPair;

/** Makes new key pairs with the process's chosen JCA provider. */
public interface KeyPairFactory {
    KeyPair generate(KeySpec spec);
}
