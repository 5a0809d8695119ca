/**
 * Model files named by configs: neuroswipe TorchScript files are used as they are; seed state dicts and
 * Lightning checkpoints are exported with `python/export_torchscript.py` when a Python with PyTorch is
 * available, and otherwise the error gives the exact export command.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from '../model/python.js';
import type { PredictorEntry, TransformExpectation } from '../config/plan.js';
import { sha256Text } from './hash.js';
import { CharTokenizer } from '../tokenizer.js';

/** The export script shipped with the package. */
export const EXPORT_SCRIPT = fileURLToPath(new URL('../../python/export_torchscript.py', import.meta.url));

const MARKER = Buffer.from('/extra/neuroswipe.json', 'latin1');

/**
 * Whether a file is a neuroswipe TorchScript model: a zip archive whose central directory (at the end of
 * the file) lists `<archive>/extra/neuroswipe.json`.
 */
export function isNeuroswipeModel(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const n = Math.min(size, 8 << 20);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    return buf.indexOf(MARKER) >= 0;
  } finally {
    closeSync(fd);
  }
}

/** The export script's arguments for a config entry (without the interpreter). */
export function exportArguments(entry: PredictorEntry, vocabularyPath: string | undefined, transform: TransformExpectation, out: string): string[] {
  const args = [EXPORT_SCRIPT, '--arch', entry.architecture, '--weights', entry.weightsFile];
  if (vocabularyPath !== undefined) args.push('--vocab', vocabularyPath);
  args.push('--grids', entry.grid);
  if (transform.name !== undefined) args.push('--transform', transform.name);
  const flags: [keyof TransformExpectation, string][] = [
    ['includeCoords', 'include-coords'],
    ['includeTime', 'include-time'],
    ['includeVelocities', 'include-velocities'],
    ['includeAccelerations', 'include-accelerations'],
  ];
  for (const [k, flag] of flags) if (typeof transform[k] === 'boolean') args.push(transform[k] ? `--${flag}` : `--no-${flag}`);
  args.push('--out', out);
  return args;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/**
 * Where the export of a config entry's weights is kept: named by the weights' hash, the architecture,
 * grid and transform, and the character tokens the vocabulary gives (they fix the exported tokenizer), so
 * a vocabulary with the same characters reuses the export and one with other characters does not.
 */
export function exportedModelPath(entry: PredictorEntry, weightsSha256: string, vocabularyPath: string | undefined, transform: TransformExpectation, exportDir: string): string {
  const charTokens = vocabularyPath !== undefined && existsSync(vocabularyPath) ? CharTokenizer.fromVocabFile(vocabularyPath).tokens : [];
  const tag = JSON.stringify([entry.architecture, entry.grid, transform, charTokens]);
  return join(exportDir, `${basename(entry.weightsFile).replace(/\.[^.]*$/, '')}.${weightsSha256.slice(0, 12)}.${sha256Text(tag).slice(0, 8)}.ts.pt`);
}

/**
 * Returns a TorchScript model file for a config entry: the weights file itself when it is one; otherwise
 * the exported file under `exportDir` (named by the weights' hash, reused when present), exporting it now.
 * @param weightsSha256 - hash of the weights file (names the exported file)
 * @throws Error with the export command to run when no Python with PyTorch is found or the export fails
 */
export function resolveModelFile(entry: PredictorEntry, weightsSha256: string, vocabularyPath: string | undefined, transform: TransformExpectation, exportDir: string): { path: string; exported: boolean } {
  if (isNeuroswipeModel(entry.weightsFile)) return { path: entry.weightsFile, exported: false };
  const out = exportedModelPath(entry, weightsSha256, vocabularyPath, transform, exportDir);
  if (existsSync(out)) return { path: out, exported: true };
  const args = exportArguments(entry, vocabularyPath, transform, out);
  const command = `python3 ${args.map(quote).join(' ')}`;
  const intro = `${entry.weightsFile} (${entry.field}) is not a neuroswipe TorchScript model (a seed state dict or checkpoint?)`;
  let python: string;
  try {
    python = findTorchPython();
  } catch (err) {
    throw new Error(
      `${intro}, and it cannot be exported automatically: ${(err as Error).message}\n` +
        `Export it on a machine with PyTorch:\n  ${command}\nthen name the exported file in the config instead.`,
      { cause: err },
    );
  }
  mkdirSync(exportDir, { recursive: true });
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${intro}; exporting it failed:\n  ${command.replace(/^python3/, python)}\n${tail}`);
  }
  return { path: out, exported: true };
}
