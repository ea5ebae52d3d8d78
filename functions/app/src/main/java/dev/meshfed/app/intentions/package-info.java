/**
 * The {@code intentions-api} function: Consul's intention endpoints and
 * {@code POST /v1/agent/connect/authorize}, answered from the DC's own intention view, with writes
 * made in the primary ({@link dev.meshfed.core.intentions.IntentionService}).
 */
package dev.meshfed.app.intentions;
