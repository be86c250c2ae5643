/**
 * Where a path the sandboxed kernel used is on the host, so the launcher can hash
 * what the kernel read: the notebook's folder is the host's (maybe elsewhere),
 * /tmp and the kernel files are the host's, and anything else is in the run's view,
 * unless a link there leads into the host mount (a fall-through).
 */
import { lstatSync, readlinkSync } from 'node:fs';

export interface ViewPathContext {
  viewDir: string;
  hostMount: string;
  notebookDir: string;
  hostNotebookDir: string;
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir + '/');
const HOST_FOLDERS = ['/tmp', '/dev', '/proc', '/sys'];

export function hostPathInView(path: string, ctx: ViewPathContext): string {
  if (inside(path, ctx.notebookDir)) return ctx.hostNotebookDir + path.slice(ctx.notebookDir.length);
  if (HOST_FOLDERS.some(d => inside(path, d))) return path;
  if (inside(path, ctx.hostMount)) return path.slice(ctx.hostMount.length) || '/';
  // Walk down the view: the first link into the host mount turns the rest into a host path.
  const parts = path.split('/').filter(Boolean);
  let here = '';
  for (let i = 0; i < parts.length; i++) {
    here += '/' + parts[i];
    try {
      if (!lstatSync(ctx.viewDir + here).isSymbolicLink()) continue;
      const target = readlinkSync(ctx.viewDir + here);
      const rest = parts.slice(i + 1).join('/');
      if (inside(target, ctx.hostMount)) return target.slice(ctx.hostMount.length) + (rest ? '/' + rest : '');
    } catch {
      break;
    }
  }
  return ctx.viewDir + path;
}
