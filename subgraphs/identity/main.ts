import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createIdentityServer } from './server';

void runSubgraphProcess('identity', createIdentityServer);
