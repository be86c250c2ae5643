// `--help` for the project's Node scripts (bench/, tests/corpus/run.mjs): each one's
// usage is its leading `//` comment, printed without the comment marks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Print the leading comment of the script at `scriptUrl` (its import.meta.url) and exit 0. */
export function printHeaderHelp(scriptUrl) {
  const lines = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n');
  const header = lines.slice(
    0,
    lines.findIndex(l => !l.startsWith('//'))
  );
  console.log(header.map(l => l.slice(3)).join('\n'));
  process.exit(0);
}
