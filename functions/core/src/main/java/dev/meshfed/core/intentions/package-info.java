/**
 * Intentions (intentions.md): the stored model ({@link dev.meshfed.core.intentions.Intention},
 * {@link dev.meshfed.core.intentions.IntentionItem}), the pure rules (validation, precedence, match
 * order, filter), the immutable per-view index that answers matches and decisions
 * ({@link dev.meshfed.core.intentions.IntentionIndex}) behind the
 * {@link dev.meshfed.core.intentions.IntentionView} port, the one apply-if-newer rule of every DC's
 * view ({@link dev.meshfed.core.intentions.IntentionViewApplier}), and the primary's writes
 * ({@link dev.meshfed.core.intentions.IntentionService}). JDK only.
 */
package dev.meshfed.core.intentions;
