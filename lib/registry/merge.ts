/**
 * Merging registries made on different machines (docs/SEED.md §7.4): rows with the same identity become one
 * row when each result column has at most one distinct non-empty value among them; otherwise the merge
 * fails naming the predictor and the column. Ids are reassigned 1…n. The merge is written into a temporary
 * copy of the target in its folder and renamed onto it when complete: a failed merge (a conflict, a full
 * disk, a signal) leaves the target as it was, and never a partial or empty file under its name.
 */
import { closeSync, copyFileSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkOutputPath, registerTemp, releaseTemp, tempPathFor, writeError } from '../io/atomic-write.js';
import { Registry } from './registry.js';
import { IDENTITY_COLUMNS, RESULT_COLUMNS, describePredictor, type PredictorIdentity, type RegistryRow } from './schema.js';

/** Where a merged value came from, for conflict messages. */
interface Sourced {
  row: RegistryRow;
  file: string;
}

/** Counts of a merge. */
export interface MergeSummary {
  /** Rows read from all registries (the target's included). */
  rowsIn: number;
  /** Rows in the merged registry. */
  rowsOut: number;
}

function identityKey(p: PredictorIdentity): string {
  return JSON.stringify(IDENTITY_COLUMNS.map(([ts]) => p[ts]));
}

/** Empty values do not take part in the comparison: `null` and `''`. */
function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/**
 * Merges registries into `target`. The target's own rows (when it exists) take part like any input.
 * Prediction paths are rewritten relative to the target's folder.
 * @param target - registry file to write (created when missing)
 * @param inputs - registry files to merge in, in order
 * @throws Error when the target is also one of the inputs; Error naming the predictor, the column and the two values (and their files) on a conflict; the
 *   target is then unchanged (and not created)
 */
export function mergeRegistries(target: string, inputs: readonly string[]): MergeSummary {
  // The target is updated (its rows take part), so it may exist; it may not also be an input.
  checkOutputPath(target, true, inputs);
  const existed = existsSync(target);
  // An existing target must be a registry: checked under its own name, before any copy.
  if (existed) Registry.open(target, { create: false, readonly: true }).close();
  const tmp = tempPathFor(target);
  const sidecars = [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`];
  for (const f of sidecars) registerTemp(f, target);
  try {
    try {
      if (existed) copyFileSync(target, tmp);
      else closeSync(openSync(tmp, 'wx'));
    } catch (err) {
      throw writeError(target, err);
    }
    let out: Registry;
    try {
      out = Registry.open(tmp);
    } catch (err) {
      throw sqliteWriteError(target, err);
    }
    let summary: MergeSummary;
    try {
      // The rows of the target are read from its copy (same folder, so stored paths resolve alike).
      summary = out.db.transaction(() => mergeInto(out, target, inputs)).immediate();
    } catch (err) {
      throw sqliteWriteError(target, err);
    } finally {
      out.close();
    }
    try {
      renameSync(tmp, target);
    } catch (err) {
      throw writeError(target, err);
    }
    return summary;
  } finally {
    for (const f of sidecars) {
      rmSync(f, { force: true });
      releaseTemp(f);
    }
  }
}

/** A write failure of SQLite as the one write message (`r.sqlite: cannot write: ENOSPC: ...`); other errors unchanged. */
function sqliteWriteError(target: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code ?? ((err as { cause?: { code?: unknown } }).cause?.code);
  if (code === 'SQLITE_FULL') return new Error(`${target}: cannot write: ENOSPC: no space left on device`, { cause: err });
  if (typeof code === 'string' && (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN')) return new Error(`${target}: cannot write: ${(err as Error).message}`, { cause: err });
  return err;
}

function mergeInto(out: Registry, target: string, inputs: readonly string[]): MergeSummary {
  {
    const sources: Sourced[] = [];
    const all = [target, ...inputs.filter((p) => resolve(p) !== resolve(target))];
    for (const file of all) {
      const reg = file === target ? out : Registry.open(file, { create: false, readonly: true });
      // The target's copy lives beside it: its stored paths resolve as the target's would.
      try {
        for (const row of reg.list()) {
          for (const col of ['valPredsPath', 'testPredsPath'] as const) {
            const v = row[col];
            if (!isEmpty(v)) row[col] = out.storedPath(reg.resolvePath(v as string));
          }
          sources.push({ row, file });
        }
      } finally {
        if (reg !== out) reg.close();
      }
    }
    const groups = new Map<string, Sourced[]>();
    for (const s of sources) {
      const k = identityKey(s.row);
      const g = groups.get(k);
      if (g) g.push(s);
      else groups.set(k, [s]);
    }
    const merged: RegistryRow[] = [];
    for (const g of groups.values()) {
      const [first] = g;
      if (first === undefined) continue;
      const row: RegistryRow = { ...first.row };
      for (const [ts, sql] of RESULT_COLUMNS) {
        let first: Sourced | undefined;
        for (const s of g) {
          const v = s.row[ts];
          if (isEmpty(v)) continue;
          if (first === undefined) first = s;
          else if (first.row[ts] !== v) {
            throw new Error(
              `registry merge: conflict for predictor ${describePredictor(row)}: column ${sql} is ` +
                `${JSON.stringify(first.row[ts])} in ${first.file} but ${JSON.stringify(v)} in ${s.file}`,
            );
          }
        }
        (row as unknown as Record<string, unknown>)[ts] = first === undefined ? null : first.row[ts];
      }
      merged.push(row);
    }
    const cols = [...IDENTITY_COLUMNS, ...RESULT_COLUMNS];
    const insert = out.db.prepare(`INSERT INTO predictors (id, ${cols.map(([, sql]) => sql).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`);
    out.db.prepare('DELETE FROM predictors').run();
    merged.forEach((r, i) => {
      const values = cols.map(([ts]) => (ts === 'useVocab' ? (r.useVocab ? 1 : 0) : (r as unknown as Record<string, unknown>)[ts]));
      insert.run(i + 1, ...values);
    });
    return { rowsIn: sources.length, rowsOut: merged.length };
  }
}
