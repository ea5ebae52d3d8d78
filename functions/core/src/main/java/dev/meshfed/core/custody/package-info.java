/** Key custody: how private keys are wrapped for storage and bound to their DC, key ID and purpose. */
package dev.meshfed.core.custody;
