// Embedded PostgreSQL (PGlite) must be opened by one process only: two
// processes writing the same directory would corrupt it. A lock file with
// the owner's pid guards DATA_DIR; a lock left by a dead process is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'renkei.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new StartupError([
          `DATA_DIR: ${dataDir} is in use by another Renkei process (pid ${owner}); stop it or choose another DATA_DIR`,
        ]);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new StartupError([`DATA_DIR: could not lock ${dataDir}`]);
}
