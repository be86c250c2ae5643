/** Run the companion on a unix socket until told to stop. */
import { createServer } from 'node:http';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import type { CellRecord } from '../core/provenance/cell-record';
import { readCellRecords, readSessionMeta } from '../store/sessions';
import { probeEnvironment } from '../system/probe';
import { createHandler } from './routes';

export function runCompanion(socket: string): Promise<number> {
  const records = new Map<string, CellRecord>();
  const handler = createHandler({
    probe: () => probeEnvironment(),
    session: id => readSessionMeta(id),
    cellRecords: id => readCellRecords(id, undefined, records)
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
