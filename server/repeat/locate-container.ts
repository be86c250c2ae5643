/**
 * Which container a repeat kernel runs: RETRACE_CONTAINER when set (what
 * `retrace repeat --container` sets); otherwise the archive the notebook's
 * metadata names (`retrace.container.archive`, relative to the notebook); otherwise
 * `<stem>.retrace.tar.gz` beside it, as `retrace package` writes it. Jupyter tells
 * a kernel which notebook it serves in JPY_SESSION_NAME.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../core/errors';
import { containerFileName } from '../../core/contract/container-name';
import { METADATA_KEY } from '../../core/contract/metadata';
import type { RepeatMode } from '../../core/contract/repeat-mode';

export const CONTAINER_ENV = 'RETRACE_CONTAINER';
export const MODE_ENV = 'RETRACE_REPEAT_MODE';

export function locateContainer(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env[CONTAINER_ENV]) {
    const archive = resolve(cwd, env[CONTAINER_ENV]!);
    if (!existsSync(archive)) throw new InputError(`${CONTAINER_ENV} names ${archive}, which does not exist`);
    return archive;
  }
  const notebook = env.JPY_SESSION_NAME;
  if (!notebook) throw new InputError(`no container given: Jupyter did not say which notebook this kernel serves, and ${CONTAINER_ENV} is not set`);
  const named = containerNamedBy(notebook);
  const archive = named ?? join(dirname(notebook), containerFileName(basename(notebook)));
  if (!existsSync(archive)) {
    throw new InputError(
      named
        ? `${notebook} names the container ${archive}, which does not exist`
        : `no container for ${notebook}: package it first (retrace package, or the Package button), or name one in its metadata`
    );
  }
  return archive;
}

/** The notebook's `metadata.retrace.container`, if it has one. */
function containerBlock(notebook: string): { archive?: unknown; mode?: unknown } | undefined {
  try {
    const block = JSON.parse(readFileSync(notebook, 'utf8'))?.metadata?.[METADATA_KEY]?.container;
    return block && typeof block === 'object' ? block : undefined;
  } catch {
    return undefined;
  }
}

function containerNamedBy(notebook: string): string | undefined {
  const archive = containerBlock(notebook)?.archive;
  if (typeof archive !== 'string' || !archive) return undefined;
  return isAbsolute(archive) ? archive : join(dirname(notebook), archive);
}

/**
 * RETRACE_REPEAT_MODE when set; otherwise the mode the notebook's metadata names
 * (`retrace.container.mode`: the Reproduce button writes it from its setting);
 * otherwise layered.
 */
export function repeatMode(env: NodeJS.ProcessEnv): RepeatMode {
  const mode = env[MODE_ENV];
  if (mode === undefined || mode === '') return env.JPY_SESSION_NAME && containerBlock(env.JPY_SESSION_NAME)?.mode === 'strict' ? 'strict' : 'layered';
  if (mode === 'layered') return 'layered';
  if (mode === 'strict') return 'strict';
  throw new InputError(`${MODE_ENV} must be "layered" or "strict", not ${JSON.stringify(mode)}`);
}
