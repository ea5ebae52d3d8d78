/**
 * Implementations of the {@link dev.meshfed.core.custody.KeyCustody} port: {@link
 * dev.meshfed.custody.LocalKeyCustody} (AES-256-GCM under a local key-encryption key, for {@code
 * meshfed dev}) and {@link dev.meshfed.custody.KmsKeyCustody} (KMS envelope encryption, in AWS),
 * with the KMS client narrowed to the two calls meshfed makes ({@link
 * dev.meshfed.custody.KmsOperations}). docs/key-custody.md describes the formats and the key policy.
 */
package dev.meshfed.custody;
