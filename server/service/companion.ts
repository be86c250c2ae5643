/** Run the companion on a unix socket until told to stop. */
import { createServer } from 'node:http';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { packNotebook } from '../container/pack';
import type { PackageSummary } from '../../core/contract/packaging';
import { buildDependencyReport } from '../deps/build';
import { judgeExecution, VerdictError } from '../repeat/verdict-service';
import { readCellRecords, readSessionMeta, type RecordCache } from '../store/sessions';
import { sessionUsage } from '../store/usage';
import { probeEnvironment } from '../system/probe';
import { dependencyReports } from './dependencies';
import { HttpError } from './http';
import { SERVER_ROOT_ENV } from './package-request';
import { createHandler } from './routes';

export function runCompanion(socket: string): Promise<number> {
  const records: RecordCache = new Map();
  const cellRecords = (id: string) => readCellRecords(id, undefined, records);
  const handler = createHandler({
    probe: () => probeEnvironment(),
    session: id => readSessionMeta(id),
    cellRecords,
    dependencies: dependencyReports({
      session: id => readSessionMeta(id),
      cellRecords,
      usage: (meta, recs) => sessionUsage(meta, recs),
      build: (usage, notebook) => buildDependencyReport(usage, { notebook })
    }),
    judge: (meta, record, request) => {
      try {
        return judgeExecution(meta, record, request);
      } catch (e) {
        // Not a repeat, or its container left the cache: a conflict, not a fault.
        throw e instanceof VerdictError ? new HttpError(409, e.message) : e;
      }
    },
    pack: async (options, onProgress): Promise<PackageSummary> =>
      packNotebook({
        notebook: options.notebook,
        output: options.output,
        maxFileBytes: options.maxFileBytes,
        secrets: { extraDenied: options.deny, allowed: options.allow },
        dependencyReport: usage => buildDependencyReport(usage, { notebook: options.notebook }),
        onProgress
      }),
    // jupyterlab_retrace/proxy.py sets it from the Jupyter server's root_dir.
    serverRoot: process.env[SERVER_ROOT_ENV] || undefined
  });
  const server = createServer((req, res) => void handler(req, res));
  if (existsSync(socket)) rmSync(socket);
  return new Promise(resolve => {
    server.on('error', err => {
      process.stderr.write(`retrace companion: ${err.message}\n`);
      resolve(1);
    });
    server.listen(socket, () => {
      // Only the user running Jupyter may connect; everyone else goes through its auth.
      chmodSync(socket, 0o600);
      process.stderr.write(`retrace companion listening on ${socket}\n`);
    });
    const stop = () => server.close(() => resolve(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
