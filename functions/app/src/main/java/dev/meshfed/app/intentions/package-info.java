/**
 * The intention functions of one DC: {@code intentions-api} ({@link dev.meshfed.app.intentions.IntentionsApi}),
 * Consul's intention endpoints and {@code POST /v1/agent/connect/authorize}, answered from the DC's
 * own intention view with writes made in the primary
 * ({@link dev.meshfed.core.intentions.IntentionService}); and {@code replicate-intentions}
 * ({@link dev.meshfed.app.intentions.ReplicateIntentions}), which keeps that view in step with the
 * DC's replica of the intentions table.
 */
package dev.meshfed.app.intentions;
