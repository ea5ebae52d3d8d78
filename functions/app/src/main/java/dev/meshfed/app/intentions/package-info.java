/**
 * Intention functions of one DC: {@code replicate-intentions} ({@link dev.meshfed.app.intentions.ReplicateIntentions}),
 * which keeps the DC's intention view in step with its replica of the intentions table.
 */
package dev.meshfed.app.intentions;
