/** Tokens other plugins (ours and third parties') use to reach retrace's shared service. */
import { Token } from '@lumino/coreutils';
import type { RetraceClient } from './api';
import type { AuditRecorder } from './model/audit-recorder';
import type { EnvironmentModel } from './model/environment';
import type { RepeatRecorder } from './model/repeat-recorder';

export interface IRetraceService {
  /** Typed client of the companion. */
  readonly client: RetraceClient;
  /** The environment report, shared by every view that shows it. */
  readonly environment: EnvironmentModel;
  /** Writes each audited cell's metadata; its `recorded` signal says when a cell's is in. */
  readonly recorder: AuditRecorder;
  /** Judges each cell run on the repeat kernel; its `judged` and `finished` signals follow a repeat. */
  readonly repeatRecorder: RepeatRecorder;
}

export const IRetraceService = new Token<IRetraceService>(
  'jupyterlab-retrace:IRetraceService',
  'The retrace companion client and the shared state built on it.'
);

/** Names of retrace's commands, in one place for menus, palette and tests. */
export namespace CommandIDs {
  export const showProvenance = 'retrace:show-provenance';
  export const refreshEnvironment = 'retrace:refresh-environment';
  export const showDependencies = 'retrace:show-dependencies';
  export const packageNotebook = 'retrace:package-notebook';
  export const reproduceNotebook = 'retrace:reproduce-notebook';
  export const chooseContainer = 'retrace:choose-container';
}

/** The kernelspec names of retrace's kernels. */
export { AUDIT_KERNEL_NAME as AUDIT_KERNEL, REPEAT_KERNEL_NAME as REPEAT_KERNEL } from '../core/contract/kernels';
