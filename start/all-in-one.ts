// npm start: the whole system in one process for a laptop or a demo
// (start/all-in-one-system.ts). In this order, so that a second copy on the
// same DATA_DIR is refused before it writes anything: the configuration is
// parsed (runServiceProcess), DATA_DIR is locked when the embedded database
// or Redis keep their data there, the generated code is rebuilt only if its
// inputs changed (scripts/generation.ts: a cheap hash when nothing did), and
// only then is the system loaded, since it imports that generated code.
import { lockDataDir } from '../lib/data-dir-lock';
import { runServiceProcess } from '../lib/service-process';
import { stopStack } from '../lib/stop-stack';
import { StartupError } from '../lib/startup-error';
import { buildConsole, consoleUpToDate } from '../scripts/console-build';
import { GenerationFailed, generatedUpToDate, regenerate } from '../scripts/generation';

void runServiceProcess('renkei', [], async (config, logger) => {
  const stops = stopStack();
  try {
    if (!config.databaseUrl || !config.redisUrl) {
      const unlock = lockDataDir(config.dataDir);
      stops.push(async () => unlock());
    }
    if (!generatedUpToDate()) {
      logger.info('generating the Prisma client, the supergraph and the resolver types (their inputs changed)');
      // The generator has printed why; a stack trace here would only bury it.
      await regenerate().catch((error: unknown) => {
        if (error instanceof GenerationFailed) throw new StartupError([`generation failed: ${error.message}`]);
        throw error;
      });
    }
    if (!consoleUpToDate()) {
      logger.info('building the web console (its sources changed)');
      await buildConsole().catch((error: unknown) => {
        throw new StartupError([
          `the console did not build: ${error instanceof Error ? error.message : String(error)}`,
        ]);
      });
    }
    // PGlite compiles its WebAssembly off the main thread: the embedded database starts opening
    // before the rest of the system's modules load.
    const { openEmbedded } = await import('./embedded-database.js');
    const embeddedDb = config.databaseUrl ? undefined : openEmbedded(config.dataDir, stops);
    embeddedDb?.catch(() => undefined); // awaited, and its failure reported, by startAllInOne
    const { startAllInOne } = await import('./all-in-one-system.js');
    await startAllInOne(config, logger, stops, embeddedDb);
    return stops.stopAll;
  } catch (error) {
    await stops.stopAll();
    throw error;
  }
});
