/**
 * Outputs of two executions of a cell, compared: text exactly, images by hash (their
 * base64 is large and the caller has the hash function), other data as JSON. Kept
 * apart from lineage: lineage is about state, and a cell can print the time and
 * still reproduce.
 */
import type { OutputComparison } from '../contract/verdict';
import type { Output } from '../contract/output';

export type HashImage = (base64: string) => string;

/** What an output shows, for comparison. */
function outputFingerprint(o: Output, hashImage: HashImage): { kind: string; value: string } {
  switch (o.output_type) {
    case 'stream':
      return { kind: `stream ${o.name}`, value: joinText(o.text) };
    case 'error':
      return { kind: 'error', value: `${o.ename}: ${o.evalue}` };
    case 'display_data':
    case 'execute_result': {
      const data = (o.data ?? {}) as Record<string, unknown>;
      const kinds = Object.keys(data).sort();
      const parts = kinds.map(k => {
        const v = data[k];
        if (k.startsWith('image/') && k !== 'image/svg+xml') return `${k}=${hashImage(joinText(v))}`;
        return `${k}=${typeof v === 'string' || Array.isArray(v) ? joinText(v) : JSON.stringify(v)}`;
      });
      return { kind: kinds.find(k => k.startsWith('image/')) ?? kinds[0] ?? o.output_type, value: parts.join('\n') };
    }
    default:
      return { kind: o.output_type, value: JSON.stringify(o) };
  }
}

function joinText(v: unknown): string {
  return Array.isArray(v) ? v.join('') : String(v ?? '');
}

/** `a` is the reference (the audit, or the first notebook of a diff); "new" means only `b` has it. */
export function compareOutputs(a: Output[], b: Output[], hashImage: HashImage): OutputComparison {
  const differences: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] && outputFingerprint(a[i], hashImage);
    const y = b[i] && outputFingerprint(b[i], hashImage);
    if (!x) differences.push(`output ${i + 1} (${y!.kind}) is new`);
    else if (!y) differences.push(`output ${i + 1} (${x.kind}) is missing`);
    else if (x.kind !== y.kind || x.value !== y.value) differences.push(`output ${i + 1} (${x.kind}) differs`);
  }
  return { same: differences.length === 0, differences };
}
