/**
 * Who is who in a meshfed federation: cluster ID, trust domain, datacenter names, SPIFFE IDs,
 * key and root identifiers, serial numbers. Pure values; parsing refuses every other form.
 */
package dev.meshfed.core.identity;
