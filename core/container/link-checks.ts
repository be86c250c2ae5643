/**
 * Where a symbolic link of a container points, judged inside the container's root:
 * absolute targets mean the container's root, relative ones the link's folder, and
 * nothing may climb out of it. Pure.
 */

/**
 * Where a symbolic link's target lands, as a path relative to the container's root
 * (`` for the root itself), or undefined when it leaves the root. `linkPath` is the
 * link's own root-relative path (`usr/bin/python3`). An absolute target means the
 * container's root (`/usr/bin/x` → `usr/bin/x`); a relative one is resolved against
 * the link's folder. Any `..` that would climb above the root counts as leaving it,
 * even in an absolute target, where the kernel would have stopped at `/`: a real
 * readlink result never needs that, and a crafted one should not be given the benefit.
 */
export function resolveLinkInsideRoot(linkPath: string, target: string): string | undefined {
  const resolved: string[] = [];
  if (!target.startsWith('/')) {
    resolved.push(...linkPath.split('/').filter(s => s !== ''));
    resolved.pop(); // the link's own name: relative targets start from its folder
  }
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      if (resolved.length === 0) {
        return undefined;
      }
      resolved.pop();
      continue;
    }
    resolved.push(segment);
  }
  return resolved.join('/');
}

/**
 * Check a symbolic link's target. `shown` is the link as the message names it
 * (`archive member "root/x"`, `manifest entry "/x"`); `linkPath` is its root-relative path.
 */
export function symlinkTargetProblem(shown: string, linkPath: string, target: string): string | null {
  if (target === '') {
    return `${shown} is a symbolic link with an empty target`;
  }
  if (target.includes('\0')) {
    return `${shown} is a symbolic link whose target contains a NUL byte`;
  }
  if (resolveLinkInsideRoot(linkPath, target) === undefined) {
    return `${shown} is a symbolic link to ${JSON.stringify(target)}, which leaves the container's root/`;
  }
  return null;
}
