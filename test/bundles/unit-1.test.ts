import { runBundle } from '../support/bundles';

runBundle(__filename);
