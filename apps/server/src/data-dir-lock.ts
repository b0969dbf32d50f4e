import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Another live process holds the embedded database's data directory. */
export class DataDirInUse extends Error {}

/**
 * Claims the embedded database's data directory for this process: the embedded engine is single-process,
 * and a second process (the server and a CLI command) writing the same files would corrupt them.
 * Throws when a live process holds it; a claim left by a dead process is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = resolve(dataDir, 'dougong.pid');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
      throw new DataDirInUse(
        `The embedded database in ${resolve(dataDir)} is in use by process ${holder}; stop it first (or use DATABASE_URL).`,
      );
    writeFileSync(file, String(process.pid));
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}
