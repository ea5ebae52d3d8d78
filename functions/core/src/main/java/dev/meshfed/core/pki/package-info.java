/**
 * Certificate rules without a crypto library: key and signature choices, the profile table as
 * templates, the ordered CSR checks, PEM, and the ports ({@link dev.meshfed.core.pki.CertificateIssuer},
 * {@link dev.meshfed.core.pki.CsrParser}, {@link dev.meshfed.core.pki.KeyPairFactory}) that the
 * PKI adapter implements.
 */
package dev.meshfed.core.pki;
