import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createConsentServer } from './server';

void runSubgraphProcess('consent', createConsentServer);
