/** meshfed's error vocabulary: the only exceptions a core service throws on purpose. */
package dev.meshfed.core.error;
