// The bootstrap system administrator at its own terminal, for tests of the
// production mode (HTTPS, terminal certificates): its .p12 and the network
// CA as a TLS client presents them, and a first sign-in with the one-time
// password (which allows nothing but changing it until it is changed).
import type { TestSystem } from './test-system';
import { tlsGraphql } from './tls-graphql-client';

export const bootstrapTerminal = (t: TestSystem) => ({
  ca: t.ca.caCertificatePem,
  pfx: t.bootstrap.pkcs12,
  passphrase: t.bootstrap.passphrase,
});

/** The session token of the bootstrap administrator's first sign-in, from its own terminal. */
export async function signInBootstrapAdmin(t: TestSystem): Promise<string> {
  const signedIn = await tlsGraphql(
    t.graphqlUrl,
    `mutation($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token } }`,
    { a: t.bootstrap.accountId, p: t.bootstrap.initialPassword },
    bootstrapTerminal(t),
  );
  const token = signedIn.data?.signIn.token;
  if (typeof token !== 'string')
    throw new Error(`the bootstrap administrator could not sign in: ${JSON.stringify(signedIn.errors)}`);
  return token;
}
