/**
 * The trust bundle (every trusted root, one active), each DC's chains under those roots, and how
 * chains are assembled for leaf and roots responses. Pure values; the stores persist them.
 */
package dev.meshfed.core.bundle;
