import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createConsentServer } from './server';

void runSubgraphProcess('consent', ({ db, logger, verifyToken }) => createConsentServer({ db, logger, verifyToken }));
