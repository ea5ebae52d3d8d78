/**
 * The {@code --demo} walk of {@code meshfed dev} (local.md): {@link dev.meshfed.dev.demo.Demo} walks a
 * running federation as an outside client would, over the HTTP API of api.md only, and checks what
 * it gets with verifiers that share nothing with meshfed's own code: the JDK's PKIX validator and a
 * real JSSE TLS 1.3 handshake. The walk is a list of named steps ({@link dev.meshfed.dev.demo.Walk});
 * a failed step is reported with its reason and counted, and the steps that need it are skipped.
 * The last step rotates the root ({@code POST /v1/connect/ca/rotate}) and shows old and new leaves
 * completing handshakes in all four combinations, and a new leaf validating against the old root
 * alone through the cross-signed certificate.
 * <p>
 * Helpers: {@link dev.meshfed.dev.demo.ApiClient} (HTTP with timeouts and the token header),
 * {@link dev.meshfed.dev.demo.Certs} (key pairs, CSRs, PEM, PKIX, SPIFFE IDs), {@link
 * dev.meshfed.dev.demo.MtlsProbe} (the in-process mutual-TLS handshake).
 */
package dev.meshfed.dev.demo;
