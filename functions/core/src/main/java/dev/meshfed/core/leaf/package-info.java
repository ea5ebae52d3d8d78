/**
 * Leaves after signing: the inventory record of every issued leaf
 * ({@link dev.meshfed.core.leaf.LeafRecord}, built by {@link dev.meshfed.core.leaf.LeafInventory}),
 * managed leaves kept per (service, token accessor) ({@link dev.meshfed.core.leaf.ManagedLeaf}),
 * and the pure rules for reusing, replacing or dropping one
 * ({@link dev.meshfed.core.leaf.ManagedLeafPolicy}).
 */
package dev.meshfed.core.leaf;
