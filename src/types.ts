/**
 * Payloads of the companion's API, as the frontend sees them. The companion builds
 * them from server/core/environment/report.ts; the type-only import keeps one
 * definition for both sides and adds no code to the bundle.
 */
export type {
  EnvironmentReport,
  Diagnosis,
  Problem,
  ToolStatus
} from '../server/core/environment/report';

export interface Health {
  name: string;
  version: string;
  status: string;
}

export interface EnvironmentResponse {
  report: import('../server/core/environment/report').EnvironmentReport;
  diagnosis: import('../server/core/environment/report').Diagnosis;
}

export type { SessionMeta } from '../server/core/session';

export type { CellRecord } from '../server/core/provenance/cell-record';

export type {
  DependencyReport,
  Section as DependencySection,
  CellSection as CellDependencySection,
  PythonEntry,
  SystemEntry,
  ProgramEntry,
  DataEntry
} from '../server/core/deps/report';

export type {
  PackageRequest,
  PackageProgress,
  PackageSummary,
  PackageStarted,
  JobStatus
} from '../server/core/container/package-job';

export type { CellVerdict, VerdictStatus } from '../server/core/repeat/verdict';

export type { VerdictRequestBody } from '../server/core/repeat/verdict-request';

export type { RepeatSummary } from '../server/core/metadata/types';
