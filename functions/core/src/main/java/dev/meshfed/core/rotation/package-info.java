/**
 * Rotation arithmetic: the time and count calculations behind meshfed's certificate lifetimes,
 * renewals, root rotation and pruning, as pure functions.
 *
 * <p>Everything here is deterministic. Inputs are explicit values ({@link java.time.Instant},
 * {@link java.time.Duration}, counts, a {@link java.util.random.RandomGenerator} or a supplied
 * fraction where randomness is involved); nothing reads a clock, a store or the environment. The
 * {@code rotate-leaves} service and the signing path call these functions around their I/O, and
 * tests check every boundary without waiting for time to pass.
 *
 * <p>What lives here (certificates.md, sections "Certificate profiles", "Rotation" and "Expiry
 * guards"):
 * <ul>
 *   <li>{@link dev.meshfed.core.rotation.Skew}, {@link dev.meshfed.core.rotation.Validity} and
 *       {@link dev.meshfed.core.rotation.Lifetimes}: backdating, X.509 validity, issuer caps, the
 *       periods of roots, intermediates, leaves and cross-signed roots;
 *   <li>{@link dev.meshfed.core.rotation.ReissueWindow}: the window and even slots for re-issuing
 *       managed leaves after a signer change, within 80 % of the CSR budget;
 *   <li>{@link dev.meshfed.core.rotation.LeafRenewal},
 *       {@link dev.meshfed.core.rotation.IntermediateRenewal} and
 *       {@link dev.meshfed.core.rotation.RootRenewal}: when each kind of certificate is renewed;
 *   <li>{@link dev.meshfed.core.rotation.RootPruning}: when a rotated-out root may leave the trust
 *       bundle, with a {@link dev.meshfed.core.rotation.PruneDecision} that says why not;
 *   <li>{@link dev.meshfed.core.rotation.ExpiryWarning}: expiry metrics and warnings.
 * </ul>
 *
 * <p>Conventions. Validity is inclusive at both ends, as in X.509: a certificate is valid at
 * NotAfter and expired one nanosecond later. Arithmetic is exact to the nanosecond; where a
 * result must be rounded, the javadoc says which way and why. Invalid arguments are programming
 * errors, not user input (configuration is validated before it gets here): they raise
 * {@link java.lang.IllegalArgumentException} with a precise lower-case message, and a
 * {@code null} raises {@link java.lang.NullPointerException} naming the argument, as in the JDK.
 * None of these is part of meshfed's error vocabulary ({@code dev.meshfed.core.error}).
 */
package dev.meshfed.core.rotation;
