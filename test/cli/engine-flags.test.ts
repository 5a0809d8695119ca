/**
 * The engine flags derived from lib/options/engine.ts: each command gets its own, a value is checked by the
 * option's declaration, a switch turns its option off only when given, and serve's earlier `--workers`
 * still sets the concurrent batches with a note naming the new flag.
 */
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { addEngineFlags, engineFromFlags } from '../../lib/options/cli.js';
import { checkEngineValue, type EngineCommand } from '../../lib/options/engine.js';

function parse(command: EngineCommand, args: string[], notes: string[] = []): Record<string, unknown> {
  const c = addEngineFlags(new Command(command).exitOverride().configureOutput({ writeErr: () => undefined }), command);
  c.parse(args, { from: 'user' });
  return engineFromFlags(c.opts(), command, (line) => notes.push(line));
}

describe('engine flags', () => {
  it('decode: defaults, values and switches', () => {
    expect(parse('decode', [])).toEqual({ device: 'auto', precision: 'float32', nativeStep: undefined, skipForced: undefined, batchSize: undefined, workers: undefined, threads: 1 });
    expect(parse('decode', ['--batch-size', 'auto', '--workers', '3', '--device', 'cuda:1', '--torchscript-step', '--no-skip-forced'])).toMatchObject({
      batchSize: 'auto', workers: 3, device: 'cuda:1', nativeStep: false, skipForced: false,
    });
    expect(() => parse('decode', ['--workers', '65'])).toThrow(/expected an integer in 1\.\.64/);
    expect(() => parse('decode', ['--device', 'gpu'])).toThrow(/expected auto, cpu, cuda or cuda:N/);
    expect(() => parse('decode', ['--concurrent-batches', '2'])).toThrow(/unknown option '--concurrent-batches'/);
  });

  it('serve: --concurrent-batches, and --workers with a deprecation note', () => {
    const notes: string[] = [];
    expect(parse('serve', ['--concurrent-batches', '3'], notes).concurrentBatches).toBe(3);
    expect(notes).toEqual([]);
    expect(parse('serve', ['--workers', '2'], notes).concurrentBatches).toBe(2);
    expect(notes).toEqual(['--workers is deprecated: use --concurrent-batches (the same value)']);
    expect(parse('serve', ['--workers', '2', '--concurrent-batches', '4']).concurrentBatches).toBe(4);
  });

  it('library values are checked by the same declarations', () => {
    expect(checkEngineValue('batchSize', 'auto')).toBe('auto');
    expect(() => checkEngineValue('batchSize', 0)).toThrow("batchSize: expected an integer ≥ 1 or 'auto', got 0");
    expect(() => checkEngineValue('concurrentBatches', 1.5, 'workers')).toThrow('workers: expected an integer in 1..1024, got 1.5');
  });
});
