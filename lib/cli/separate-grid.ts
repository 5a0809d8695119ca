/**
 * `neuroswipe separate-grid`: the seed's conversion of inline-grid JSONL into the separated-grid format.
 */
import type { Command } from 'commander';
import { BadLineReport } from '../io/bad-line.js';
import { separateGridFile } from '../data/separate-grid.js';

interface SeparateGridCliOptions {
  out: string;
  gridsOut: string;
  skipBadLines?: boolean;
  force?: boolean;
  quiet?: boolean;
}

/** Registers the `separate-grid` command. */
export function register(program: Command): void {
  program
    .command('separate-grid')
    .description('replace curve.grid by curve.grid_name in a competition JSONL file and write the grids separately (byte-identical to the seed)')
    .argument('<in>', 'competition JSONL with inline curve.grid')
    .requiredOption('--out <file>', 'output JSONL in the separated-grid format')
    .requiredOption('--grids-out <file>', 'output gridname_to_grid.json (last grid seen per name)')
    .option('--skip-bad-lines', 'leave bad lines out and report them instead of failing')
    .option('--force', 'replace existing output files')
    .action(async (input: string, opts: SeparateGridCliOptions) => {
      const report = new BadLineReport();
      const res = await separateGridFile(input, opts.out, opts.gridsOut, {
        skipBadLines: opts.skipBadLines === true,
        onBadLine: report.add,
        force: opts.force === true,
      });
      if (report.count > 0) process.stderr.write(report.summary() + '\n');
      if (!opts.quiet) process.stderr.write(`wrote ${res.written} of ${res.lines} lines to ${opts.out}; grids ${res.gridNames.join(', ') || '(none)'} to ${opts.gridsOut}\n`);
    });
}
