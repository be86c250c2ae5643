/** Reading the process table from /proc. */
import { readFileSync, readdirSync } from 'node:fs';

/** Direct children of a process; [] when it has none or is gone. */
export function childPids(pid: number): number[] {
  try {
    // Needs CONFIG_PROC_CHILDREN, which every mainstream kernel enables.
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return scanForChildren(pid);
  }
}

function scanForChildren(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name sits in parentheses and may contain spaces: parse after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) out.push(Number(entry));
    } catch {
      // raced with an exit
    }
  }
  return out;
}

/** The command line of a process; [] when it is gone. */
export function cmdlineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** The first descendant (breadth first, a few levels down) whose command line matches. */
export function findDescendant(pid: number, matches: (argv: string[]) => boolean, depth = 4): number | undefined {
  let level = [pid];
  for (let d = 0; d < depth && level.length; d++) {
    const next: number[] = [];
    for (const p of level) {
      for (const c of childPids(p)) {
        if (matches(cmdlineOf(c))) return c;
        next.push(c);
      }
    }
    level = next;
  }
  return undefined;
}

/** Whether a process exists; one that is not ours to signal (EPERM) exists too. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
