/** Small helpers to find and run programs, with a bound on every wait. */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Find an executable on PATH the way a shell would; undefined when absent. */
export function which(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const candidates = isAbsolute(name)
    ? [name]
    : pathVar
        .split(delimiter)
        .filter(Boolean)
        .map(d => join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The spawn itself failed (ENOENT, timeout, ...). */
  error?: string;
}

/** Run a program to completion with a timeout; never throws. */
export function run(file: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise(resolve => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({
        code,
        stdout,
        stderr,
        error: error && code === null ? error.message : undefined
      });
    });
  });
}
