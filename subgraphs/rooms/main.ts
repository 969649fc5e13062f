import { runSubgraphProcess } from '../../lib/subgraph-process';
import { createRoomsServer } from './server';

void runSubgraphProcess('rooms', ({ db, logger, verifyToken }) => createRoomsServer({ db, logger, verifyToken }));
