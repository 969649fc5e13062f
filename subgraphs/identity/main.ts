import { openCertificateAuthority } from '../../lib/pki/certificate-authority';
import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createIdentityServer } from './server';
import { identitySettingsFrom } from './settings';

void runSubgraphProcess('identity', async ({ db, logger, verifyToken, config }) =>
  createIdentityServer({
    db,
    logger,
    verifyToken,
    ca: await openCertificateAuthority(config.caDir),
    settings: identitySettingsFrom(config.identity, config.clientCertMode !== 'off'),
  }),
);
