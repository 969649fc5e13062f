import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createRoomsServer } from './server';

void runSubgraphProcess('rooms', ({ db, logger, verifyToken, metrics }) =>
  createRoomsServer({ db, logger, verifyToken, metrics }),
);
