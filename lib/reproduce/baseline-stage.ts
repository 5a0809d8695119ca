/**
 * The baseline stage of a reproduction: the official DTW baseline on the test file, kept in the work
 * folder under a name derived from the test file, the vocabulary and the vocabulary size, so a rerun on
 * the same inputs reads it back instead of recomputing it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runBaseline } from '../baseline/run.js';
import { readBaselineVocab } from '../baseline/vocab.js';
import type { GridMap } from '../keyboard/grid.js';
import { sha256File, sha256Text } from '../predict/hash.js';
import { type PredictionRow, readPredictionFile, writePredictionFile } from '../predictions.js';

/** Inputs of {@link baselineStage}. */
export interface BaselineStageInput {
  /** The test file the baseline reads (separated-grid format with `grids`, or inline grids). */
  dataPath: string;
  /** SHA-256 of the test file as given (names the cached result). */
  testSha256: string;
  /** The vocabulary file. */
  vocabularyPath: string;
  /** Vocabulary words used (−1: all). */
  vocSize: number;
  /** Grids of a separated-grid file. */
  grids: GridMap;
  /** Native worker threads. */
  threads: number;
  /** The work folder. */
  workDir: string;
}

/** The baseline's result. */
export interface BaselineStageResult {
  /** The baseline prediction file. */
  path: string;
  /** Per test line, in line order, the baseline's candidates. */
  rows: PredictionRow[];
  /** Whether the file came from an earlier run. */
  cached: boolean;
}

/**
 * Runs (or reuses) the DTW baseline on the test file.
 * @throws Error naming the file and line of a malformed swipe, or the vocabulary file when unreadable
 */
export async function baselineStage(input: BaselineStageInput): Promise<BaselineStageResult> {
  const vocSha = await sha256File(input.vocabularyPath);
  const tag = sha256Text(JSON.stringify({ test: input.testSha256, vocabulary: vocSha, voc_size: input.vocSize })).slice(0, 12);
  const path = join(input.workDir, `baseline.${tag}.jsonl`);
  if (existsSync(path)) return { path, rows: (await readPredictionFile(path)).rows, cached: true };
  const vocab = readBaselineVocab(input.vocabularyPath, input.vocSize);
  const rows = await runBaseline(input.dataPath, vocab, { grids: input.grids, threads: input.threads });
  await writePredictionFile(path, rows, {
    predictor_id: `dtw_baseline(voc_size=${input.vocSize})`,
    model_name: 'dtw_baseline',
    generator_name: 'dtw_baseline',
    generator_call_kwargs: { voc_size: input.vocSize },
    use_vocab_for_generation: true,
    test_sha256: input.testSha256,
    vocabulary_sha256: vocSha,
  });
  return { path, rows, cached: false };
}
