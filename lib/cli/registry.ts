/** `neuroswipe registry list|show|merge`: the predictor registry (docs/SEED.md §7.4). */
import type { Command } from 'commander';
import { Registry } from '../registry/registry.js';
import { mergeRegistries } from '../registry/merge.js';
import type { RegistryRow } from '../registry/schema.js';
import { formatTextTable } from '../io/text-table.js';

function fmt(v: number | null): string {
  return v === null ? '-' : v.toFixed(7);
}

/**
 * Formats registry rows as an aligned text table.
 * @param rows - rows to show
 */
export function formatRegistryTable(rows: readonly RegistryRow[]): string {
  const table = [
    ['id', 'architecture', 'weights', 'grid', 'generator', 'options', 'vocab', 'val', 'test', 'val MRR', 'val acc'],
    ...rows.map((r) => [
      String(r.id), r.architecture, r.weightsPath, r.grid, r.generator, r.generatorOptions, r.useVocab ? 'yes' : 'no',
      r.valPredsPath ?? '-', r.testPredsPath ?? '-', fmt(r.valMrr), fmt(r.valAccuracy),
    ]),
  ];
  return formatTextTable(table);
}

/** Registers `registry` and its subcommands. */
export function register(program: Command): void {
  const reg = program.command('registry').description('the predictor registry (SQLite): list, show and merge');
  reg
    .command('list')
    .description('list the predictors of a registry')
    .argument('<registry>', 'registry file')
    .option('--json', 'one JSON object per line instead of a table')
    .action((file: string, opts: { json?: boolean }) => {
      const r = Registry.open(file, { create: false, readonly: true });
      try {
        const rows = r.list();
        process.stdout.write(opts.json ? rows.map((x) => JSON.stringify(x) + '\n').join('') : formatRegistryTable(rows));
      } finally {
        r.close();
      }
    });
  reg
    .command('show')
    .description('show one predictor as JSON')
    .argument('<registry>', 'registry file')
    .argument('<id>', 'predictor id')
    .action((file: string, idText: string) => {
      const id = Number(idText);
      if (!Number.isInteger(id)) throw new TypeError(`<id>: expected an integer, got ${JSON.stringify(idText)}`);
      const r = Registry.open(file, { create: false, readonly: true });
      try {
        const row = r.get(id);
        if (row === undefined) throw new Error(`${file}: no predictor with id ${id}`);
        process.stdout.write(JSON.stringify(row, null, 2) + '\n');
      } finally {
        r.close();
      }
    });
  reg
    .command('merge')
    .description('merge registries made on several machines into --out (rows of one predictor must agree on each path and metric; empty values are ignored)')
    .requiredOption('--out <registry>', 'registry to write (its own rows take part; created when missing)')
    .argument('<inputs...>', 'registries to merge in')
    .action((inputs: string[], opts: { out: string; quiet?: boolean }) => {
      const s = mergeRegistries(opts.out, inputs);
      if (!opts.quiet) process.stdout.write(`${opts.out}: ${s.rowsIn} rows merged into ${s.rowsOut} predictors\n`);
    });
}
