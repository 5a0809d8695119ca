/**
 * Runs python/seed_decode_reference.py (the seed's searches written out in Python over the same
 * TorchScript model) on swipes whose features are computed exactly as the Decoder computes them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { transformSpecOf } from '../../lib/decode/decoder.js';
import type { Model } from '../../lib/model/model.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { findTorchPython } from '../../lib/model/python.js';

const SCRIPT = fileURLToPath(new URL('../../python/seed_decode_reference.py', import.meta.url));

/** Options of the oracle run (the seed's own parameter names). */
export interface OracleJob {
  generator: 'greedy' | 'beam';
  max_steps: number;
  beamsize?: number;
  normalization_factor?: number;
  return_hypotheses?: number | null;
  vocab?: string[] | null;
}

/** The seed's candidates `[score, word]` for each swipe. */
export function seedOracle(model: Model, swipes: Swipe[], job: OracleJob): [number, string][][] {
  const fx = new FeatureExtractor(loadGrids(), transformSpecOf(model));
  const feats = swipes.map((s) => {
    const f = fx.extract(s);
    return { length: f.length, n_traj: f.nTrajFeats, n_key: f.nKeyColumns, traj: Array.from(f.traj), keys: Array.from(f.keys) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-oracle-'));
  const file = join(dir, 'job.json');
  writeFileSync(file, JSON.stringify({ model: model.path, beamsize: 6, normalization_factor: 0.5, return_hypotheses: null, vocab: null, ...job, swipes: feats }));
  const out = execFileSync(findTorchPython(), [SCRIPT, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return JSON.parse(out);
}
