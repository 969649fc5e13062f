import { createLogger } from '../../lib/logger';

export const silentLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'renkei-test');
