/**
 * `retrace`: the command-line entry point, bundled into one file the Python package
 * ships. The commands are run by run.ts; this file adds what only the process has.
 */
import { InputError } from '../../core/errors';
import { runCli } from './run';

/**
 * @jupyterlab/services, which the headless commands use to drive kernels, logs its
 * connection chatter ("Starting WebSocket: …") with console.log. retrace writes its
 * own output explicitly, so that chatter goes to stderr only when RETRACE_DEBUG is set.
 */
function quietLibraryLogging(): void {
  const toStderr = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  const quiet = () => undefined;
  console.log = console.info = console.debug = process.env.RETRACE_DEBUG ? toStderr : quiet;
}

/**
 * A command whose work stalls (a stream that never ends) would let Node exit 0 with
 * nothing done: say so and fail instead.
 */
function failIfStalled(name: string, finished: () => boolean): void {
  process.once('beforeExit', () => {
    if (finished()) return;
    process.stderr.write(`retrace: ${name} stopped before finishing (internal error: its work stalled)\n`);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  quietLibraryLogging();
  let finished = false;
  const streams = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
  try {
    process.exitCode = await runCli(process.argv.slice(2), { ...streams, onRun: cmd => failIfStalled(cmd.name, () => finished) });
    finished = true;
  } catch (e) {
    // Bad input (a broken notebook, a missing file) is the user's to fix: say so plainly.
    if (e instanceof InputError || (e instanceof Error && /: no such file/.test(e.message))) {
      process.stderr.write(`retrace: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

main().catch(e => {
  process.stderr.write(`retrace: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
