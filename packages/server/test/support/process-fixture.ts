import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./flow-server-main.ts', import.meta.url));

/** A server process; `kill()` sends SIGKILL to its PID. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns {@link MAIN} and resolves once it prints "ready". */
export function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
    child.stdout!.on('data', (c: Buffer) => {
      const m = /ready (\d+)/.exec(c.toString());
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        child,
        pid: child.pid!,
        port: Number(m[1]),
        kill: (signal = 'SIGKILL') =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            process.kill(child.pid!, signal);
          }),
      });
    });
  });
}
