/**
 * One packaging run as the frontend follows it: start the job on the companion,
 * poll it until it is done or failed (bounded), and report progress on the way.
 */
import type { RetraceClient } from '../api';
import type { PackageProgress, PackageRequest, PackageSummary } from '../../core/contract/packaging';

/** The settings of the package-button plugin (schema/settings/package-button.json). */
export interface PackageSettings {
  maxFileBytes: number | null;
  extraDenied: string[];
  allowed: string[];
}

export interface PackageOutcome {
  summary: PackageSummary;
  /** The archive's contents path, for the file browser; null when outside the server root. */
  archivePath: string | null;
}

export interface RunOptions {
  onProgress?: (progress: PackageProgress) => void;
  /** Between two looks at the job. Default 500 ms. */
  pollMs?: number;
  /** Give up following the job after this long. Default one hour. */
  timeoutMs?: number;
}

export class PackageError extends Error {}

/** The request for a notebook at a contents path, with the user's settings. */
export function packageRequest(notebookPath: string, settings: PackageSettings): PackageRequest {
  const request: PackageRequest = { notebook: notebookPath, deny: settings.extraDenied, allow: settings.allowed };
  if (settings.maxFileBytes) request.maxFileBytes = settings.maxFileBytes;
  return request;
}

// In words and as a fraction: the same for the dialog and `retrace package`.
export { describeProgress, progressFraction } from '../../core/container/package-progress';

export async function runPackageJob(client: RetraceClient, request: PackageRequest, options: RunOptions = {}): Promise<PackageOutcome> {
  const pollMs = options.pollMs ?? 500;
  const deadline = Date.now() + (options.timeoutMs ?? 60 * 60_000);
  const started = await client.startPackage(request);
  let last = '';
  for (;;) {
    const status = await client.job(started.job);
    const key = JSON.stringify(status.progress);
    if (status.progress && key !== last) {
      last = key;
      options.onProgress?.(status.progress);
    }
    if (status.state === 'done' && status.result) return { summary: status.result, archivePath: started.archivePath };
    if (status.state === 'failed') throw new PackageError(status.error ?? 'packaging failed');
    if (Date.now() > deadline) throw new PackageError('packaging is taking too long; the companion is still working on it');
    await new Promise(resolve => setTimeout(resolve, pollMs));
  }
}
