/**
 * Checks the body of `POST /api/package` and resolves its paths. The frontend knows
 * a notebook by its contents path, relative to the Jupyter server's root; the
 * companion learns that root from RETRACE_SERVER_ROOT, which jupyterlab_retrace/proxy.py
 * sets from the server's own configuration when it starts the companion.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { PackageRequest } from '../../core/contract/packaging';
import { HttpError } from './http';

/** A package request with its paths absolute and its settings checked. */
export interface PackageJobOptions {
  notebook: string;
  output?: string;
  maxFileBytes?: number;
  deny: string[];
  allow: string[];
}

/** Globs per list: settings, not data. */
const MAX_GLOBS = 200;
const MAX_PATH_CHARS = 4096;

/** The root's environment variable, set by jupyterlab_retrace/proxy.py. */
export const SERVER_ROOT_ENV = 'RETRACE_SERVER_ROOT';

/**
 * An absolute path as given, or a contents path resolved against the server's root.
 * A relative path must stay inside the root (no `..` out of it), as in Jupyter.
 */
export function resolveServerPath(path: string, serverRoot: string | undefined, what: string): string {
  if (path.length > MAX_PATH_CHARS || path.includes('\0')) throw new HttpError(400, `${what} is not a usable path`);
  if (isAbsolute(path)) return resolve(path);
  if (!serverRoot) {
    throw new HttpError(
      400,
      `${what} "${path}" is relative, but the companion does not know the Jupyter server's root ` + `(${SERVER_ROOT_ENV} is not set): give an absolute path`
    );
  }
  const absolute = resolve(serverRoot, path);
  if (!isInside(absolute, serverRoot)) throw new HttpError(400, `${what} "${path}" is outside the Jupyter server's root`);
  return absolute;
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/** The contents path (relative to the root, `/`-separated) of an absolute path under it; null otherwise. */
export function contentsPath(path: string, serverRoot: string | undefined): string | null {
  if (!serverRoot || !isInside(path, serverRoot)) return null;
  return relative(resolve(serverRoot), resolve(path)).split(sep).join('/');
}

function globs(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some(g => typeof g !== 'string')) throw new HttpError(400, `${what} must be a list of strings`);
  if (value.length > MAX_GLOBS) throw new HttpError(400, `${what} has more than ${MAX_GLOBS} entries`);
  return (value as string[]).map(g => g.trim()).filter(g => g !== '');
}

export function parsePackageRequest(body: unknown, serverRoot: string | undefined): PackageJobOptions {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'expected a JSON object');
  const request = body as Partial<Record<keyof PackageRequest, unknown>>;
  if (typeof request.notebook !== 'string' || request.notebook.trim() === '') {
    throw new HttpError(400, '"notebook" must name the notebook to package');
  }
  const options: PackageJobOptions = {
    notebook: resolveServerPath(request.notebook, serverRoot, 'notebook'),
    deny: globs(request.deny, '"deny"'),
    allow: globs(request.allow, '"allow"')
  };
  if (request.output !== undefined && request.output !== null) {
    if (typeof request.output !== 'string' || request.output.trim() === '') throw new HttpError(400, '"output" must be a path');
    options.output = resolveServerPath(request.output, serverRoot, 'output');
  }
  if (request.maxFileBytes !== undefined && request.maxFileBytes !== null) {
    const max = request.maxFileBytes;
    if (typeof max !== 'number' || !Number.isSafeInteger(max) || max <= 0) {
      throw new HttpError(400, '"maxFileBytes" must be a positive whole number of bytes');
    }
    options.maxFileBytes = max;
  }
  return options;
}
