/**
 * Runs the `neuroswipe` command line in this process (no libtorch start-up per case): the same program
 * as bin/neuroswipe.js, with commander's exits turned into results and stdout/stderr captured.
 */
import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../lib/cli/index.js';

/** What one command line did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function quiet(cmd: Command, err: (s: string) => void): void {
  cmd.exitOverride().configureOutput({ writeErr: err, writeOut: () => {} });
  for (const sub of cmd.commands) quiet(sub, err);
}

/** Runs `neuroswipe ...args` as the binary does: an error prints `neuroswipe: <message>` and exits 1. */
export async function runCli(args: readonly string[], cwd?: string): Promise<CliResult> {
  const savedCwd = process.cwd();
  if (cwd !== undefined) process.chdir(cwd);
  let stdout = '';
  let stderr = '';
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true));
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true));
  const savedExit = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    const program = buildProgram();
    quiet(program, (s) => (stderr += s));
    await program.parseAsync(['node', 'neuroswipe', ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode;
    else {
      stderr += `neuroswipe: ${err instanceof Error ? err.message : String(err)}\n`;
      if (err instanceof Error && err.stack && /TypeError: Cannot read|is not a function|undefined \(reading/.test(err.message)) stderr += err.stack;
      code = 1;
    }
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.exitCode = savedExit;
    process.chdir(savedCwd);
  }
  return { code, stdout, stderr };
}
