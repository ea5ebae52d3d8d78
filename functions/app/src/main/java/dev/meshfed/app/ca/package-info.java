/**
 * The CA's HTTP functions as plain classes: {@link dev.meshfed.app.ca.FetchRoots} (roots,
 * configuration read, agent self), {@link dev.meshfed.app.ca.SignCsr} (leaf signing) and
 * {@link dev.meshfed.app.ca.CaAdmin} (configuration writes, membership, enrolment key, signer
 * status), the signer they sign with ({@link dev.meshfed.app.ca.ActiveSigner}), and the dispatcher that routes
 * a request to them and maps every error ({@link dev.meshfed.app.ca.CaFunctionsHandler}).
 * docs/ca-api.md lists what each endpoint answers.
 */
package dev.meshfed.app.ca;
