/**
 * Making the paths in syscalls absolute, the way the kernel would resolve them.
 */

/**
 * Join `path` onto `base` when it is relative, then drop `.` segments and repeated
 * slashes. `..` is kept: `a/..` is not `.` when `a` is a symlink, and strace does
 * not tell us which components are links.
 */
export function resolvePath(base: string | undefined, path: string): string | undefined {
  if (path.startsWith('/')) return normalizePath(path);
  if (base === undefined || !base.startsWith('/')) return undefined;
  if (path === '') return normalizePath(base);
  return normalizePath(`${base}/${path}`);
}

export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    parts.push(part);
  }
  return '/' + parts.join('/');
}
