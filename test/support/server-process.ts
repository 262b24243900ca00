import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../core/net/free-port';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export { freePort };

export function tempDir(prefix = 'tw-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A real Taskwire process (the embedded runtime, as `npm start` runs it) on a free port. */
export class ServerProcess {
  proc: ChildProcess | undefined;
  base = '';
  readonly logFile: string;

  constructor(
    readonly env: Record<string, string>,
    readonly entry = 'runtime/main.ts',
    readonly nodeArgs: string[] = [],
  ) {
    this.logFile = path.join(tempDir('tw-log-'), 'server.log');
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const port = this.env.PORT ? Number(this.env.PORT) : await freePort();
    this.base = `http://127.0.0.1:${port}`;
    const out = openSync(this.logFile, 'a');
    this.proc = spawn(process.execPath, [...this.nodeArgs, '--import', 'tsx', this.entry], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        SERVE_WEB: 'false',
        ...this.env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', out, out],
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null)
        throw new Error(`server exited with ${this.proc.exitCode}; log: ${this.logFile}`);
      try {
        const res = await fetch(`${this.base}/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server not ready in ${timeoutMs} ms; log: ${this.logFile}`);
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null)
      return Promise.resolve(proc?.exitCode ?? null);
    return new Promise((resolve) => {
      proc.once('exit', (code) => resolve(code));
      proc.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}
