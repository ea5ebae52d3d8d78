/**
 * The {@code rotate-leaves} function as plain classes: primary bootstrap, the primary's own
 * intermediate, answering secondaries' intermediate CSR requests (primary), join and re-key
 * through the enrolment-signed CSR exchange (secondaries), re-drive of unanswered requests,
 * renewal at half-life, and the primary's side of root rotation
 * ({@link dev.meshfed.app.ca.lifecycle.RootRotation}; requests are recorded through
 * {@link dev.meshfed.app.ca.lifecycle.RotationRequests}), and the pruning of rotated-out roots
 * ({@link dev.meshfed.app.ca.lifecycle.RootPruner}, primary only). {@link dev.meshfed.app.ca.lifecycle.RotateLeaves} is the entry point for
 * both trigger kinds (stream record, per-minute tick); the leaf path reads the signer it leaves
 * behind through {@link dev.meshfed.app.ca.ActiveSigner}. Every step re-reads the current items and
 * writes conditionally, so a duplicate record, a second instance or a retried tick changes nothing
 * twice. See docs/architecture-flows.md.
 */
package dev.meshfed.app.ca.lifecycle;
