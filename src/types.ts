/**
 * Payloads of the companion's API, as the frontend sees them. The companion builds
 * them from core/environment/report.ts; the type-only import keeps one
 * definition for both sides and adds no code to the bundle.
 */
export type {
  EnvironmentReport,
  Diagnosis,
  Problem,
  ToolStatus
} from '../core/environment/report';

export interface Health {
  name: string;
  version: string;
  status: string;
}

export interface EnvironmentResponse {
  report: import('../core/environment/report').EnvironmentReport;
  diagnosis: import('../core/environment/report').Diagnosis;
}

export type { SessionMeta } from '../core/session';

export type { CellRecord } from '../core/provenance/cell-record';

export type {
  DependencyReport,
  Section as DependencySection,
  CellSection as CellDependencySection,
  PythonEntry,
  SystemEntry,
  ProgramEntry,
  DataEntry
} from '../core/deps/report';

export type {
  PackageRequest,
  PackageProgress,
  PackageSummary,
  PackageStarted,
  JobStatus
} from '../core/container/package-job';

export type { CellVerdict, VerdictStatus } from '../core/repeat/verdict';

export type { VerdictRequestBody } from '../core/repeat/verdict-request';

export type { RepeatSummary } from '../core/metadata/types';
