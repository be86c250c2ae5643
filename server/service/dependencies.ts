/**
 * The dependency reports the companion serves, one per audit session, remembered
 * until the session records another cell: the Dependencies panel asks again after
 * every cell and on every notebook switch, and a report takes dpkg queries to build.
 */
import type { CellRecord, SessionMeta } from '../../core/contract/records';
import type { DependencyReport } from '../../core/contract/dependencies';
import type { SessionUsage } from '../../core/container/usage';
import { HttpError } from './http';

export interface DependencySources {
  session(id: string): SessionMeta | undefined;
  cellRecords(id: string): CellRecord[];
  usage(meta: SessionMeta, records: CellRecord[]): SessionUsage;
  build(usage: SessionUsage, notebook: string | undefined): Promise<DependencyReport>;
  /** Reports remembered at most. Default 8. */
  maxCached?: number;
}

export function dependencyReports(sources: DependencySources) {
  const max = sources.maxCached ?? 8;
  const cache = new Map<string, Promise<DependencyReport>>();
  return (id: string, notebook: string | undefined): Promise<DependencyReport | undefined> => {
    const meta = sources.session(id);
    if (!meta) return Promise.resolve(undefined);
    if (!meta.audited) {
      return Promise.reject(new HttpError(409, `session ${id} ran without auditing: ${meta.notAuditedReason ?? 'strace was not available'}`));
    }
    const records = sources.cellRecords(id);
    // Records are only ever added: their count and last seq say whether anything changed.
    const key = [id, notebook ?? '', records.length, records[records.length - 1]?.seq ?? 0].join('\0');
    let report = cache.get(key);
    if (!report) {
      report = sources.build(sources.usage(meta, records), notebook);
      cache.set(key, report);
      report.catch(() => cache.delete(key));
      if (cache.size > max) cache.delete(cache.keys().next().value!);
    }
    return report;
  };
}
