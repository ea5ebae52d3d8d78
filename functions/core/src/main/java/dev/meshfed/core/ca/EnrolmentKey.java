package dev.meshfed.core.ca;

import dev.meshfed.core.custody.WrappedKey;

/** A secondary's enrolment key pair: the private half wrapped by key custody, the public half as PEM. */
public record EnrolmentKey(String datacenter, String keyId, WrappedKey privateKey, String publicKeyPem) {
}
