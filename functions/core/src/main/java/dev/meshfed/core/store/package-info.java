/**
 * Storage ports: the neutral attribute model, versioned conditional items keyed
 * {@code <ownerDC>#<kind>#<id>}, the owner guard, and typed access through item codecs. The
 * DynamoDB and embedded adapters implement {@link dev.meshfed.core.store.TableStore}.
 */
package dev.meshfed.core.store;
