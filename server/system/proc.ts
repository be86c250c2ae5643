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
