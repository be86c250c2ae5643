// Bundle the companion, the kernel launchers and the CLI into one CommonJS file that
// the Python package ships, so nothing is installed from npm at run time.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['server/cli/main.ts'],
  outfile: 'jupyterlab_retrace/node/retrace.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  define: { __RETRACE_VERSION__: JSON.stringify(version) },
  banner: { js: '// Built from server/ and core/ by server/build.mjs; do not edit.' },
  // ws can use these native add-ons when present; it works without them.
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning'
});
