/**
 * Synthetic swipe data sets: words drawn from a vocabulary, one generated curve each, written as
 * competition JSONL (temporary file, then rename).
 */
import { readFileSync, rmSync } from 'node:fs';
import { AtomicTextWriter, checkOutputPaths } from '../io/atomic-write.js';
import { DEFAULT_GRIDS_PATH, loadGrids } from '../keyboard/grid.js';
import { formatSwipeLine, type GridStyle } from './format.js';
import { generateSwipe, type SwipeCurve, type SwipeOptions } from './generator.js';
import { letterLayout, type LetterLayout } from './layout.js';
import { checkCount, checkSeed, checkWordDurations, invalidOption, MAX_INT16, resolveSwipeOptions } from './options.js';
import { Prng } from './prng.js';
import { WORD_SAMPLINGS, WordSampler, type WordSampling, type WordWeights } from './sampler.js';
import { readFrequencyTable } from '../decode/prior.js';
import { filterVocabForGrid, MISSING_LETTER_POLICIES, type MissingLetterPolicy, type SkippedWord, type TraceableWord } from './vocab-filter.js';
import { readVocab } from './vocab.js';
import { at } from '../util/checked.js';
import { parseJsonFile } from '../io/json.js';

/** One synthetic sample. */
export interface SynthSample {
  word: string;
  curve: SwipeCurve;
}

/**
 * Generates `count` samples from one seeded stream: for each, a word index from `sampling`, then its curve.
 * The same arguments always give the same samples.
 */
export function* synthesizeSwipes(words: readonly TraceableWord[], layout: LetterLayout, count: number, seed: number, sampling: WordSampling | WordWeights = 'uniform', options?: Partial<SwipeOptions>): Generator<SynthSample> {
  checkCount(count);
  const rng = new Prng(checkSeed(seed));
  const resolved = resolveSwipeOptions(options);
  if (words.length === 0) throw new Error(`no word of the vocabulary can be swiped on grid ${JSON.stringify(layout.gridName)}`);
  checkWordDurations(words.map((w, i) => ({ word: w.trace, line: i + 1 })), resolved, '(words)');
  const sampler = new WordSampler(words.length, sampling);
  for (let i = 0; i < count; i++) {
    const w = at(words, sampler.next(rng));
    const curve = generateSwipe(w.trace, layout, rng, resolved);
    checkCurveRange(curve, w.word);
    yield { word: w.word, curve };
  }
}

/** A generated value that a data file cannot hold (int16) is an error, never a line the readers reject. */
function checkCurveRange(curve: SwipeCurve, word: string): void {
  for (const [field, values] of [['x', curve.x], ['y', curve.y], ['t', curve.t]] as const) {
    for (const v of values) {
      if (v < -MAX_INT16 - 1 || v > MAX_INT16) {
        throw new RangeError(`synthesized curve.${field} value ${v} for word ${JSON.stringify(word)} is outside the int16 range of the data format; lower swipe.noiseScale or swipe.jitterPx`);
      }
    }
  }
}

/** Settings of {@link synthesizeToFile}. */
export interface SynthFileRequest {
  /** grids file (`gridname_to_grid.json`); default: the bundled real grids */
  gridsPath?: string;
  /** grid to draw on. Default `default`. */
  gridName?: string;
  /** word-per-line vocabulary file */
  vocabPath: string;
  /** number of swipes, ≥ 1 */
  count: number;
  /** random seed (safe integer). Default 0. */
  seed?: number;
  /** output JSONL file */
  out: string;
  /** replace `out` and `refOut` when they exist. Default false: an existing output is an error. */
  force?: boolean;
  /** write the full grid object in each line (original format) instead of `grid_name`. Default false. */
  inlineGrid?: boolean;
  /** include the `word` member. Default true. */
  withWord?: boolean;
  /** also write the words, one per line (`valid.ref` style) */
  refOut?: string;
  /** words with a letter that has no key. Default `skip`. */
  missing?: MissingLetterPolicy;
  /** word distribution over the vocabulary's line order. Default `uniform`. */
  sampling?: WordSampling;
  /**
   * word-frequency file (`word<TAB>count` per line, as lib/decode/prior.ts reads it): each usable vocabulary
   * word is drawn with probability ∝ its count (a word the file does not list is never drawn); listed words
   * that are not usable vocabulary words are skipped and counted. Replaces `sampling` (which must then be
   * `uniform` or absent).
   */
  frequencyPath?: string;
  /** generator settings */
  swipe?: Partial<SwipeOptions>;
  /** called every `progressEvery` swipes and at the end */
  onProgress?: (done: number, total: number) => void;
  /** swipes between progress calls. Default 10,000. */
  progressEvery?: number;
}

/** What {@link synthesizeToFile} did. */
export interface SynthSummary {
  written: number;
  /** words usable on the grid */
  vocabularySize: number;
  skipped: SkippedWord[];
  substituted: number;
  /** with `frequencyPath`: words of the file skipped for not being usable vocabulary words, and vocabulary words it does not list */
  frequency?: { skipped: number; unlisted: number };
}

function gridStyle(gridsPath: string, gridName: string, inline: boolean): GridStyle {
  if (!inline) return { kind: 'separated', gridName };
  const raw = parseJsonFile(readFileSync(gridsPath, 'utf8'), gridsPath) as Record<string, unknown>;
  return { kind: 'inline', gridJson: JSON.stringify(raw[gridName]) };
}

/**
 * Writes a synthetic data set: validates the settings, loads the grid and vocabulary, filters the
 * vocabulary for the grid, generates and writes `count` lines (and the words to `refOut` if given). The
 * outputs appear only when complete (temporary files, then rename); the work yields to the event loop
 * between blocks of lines, so SIGINT and SIGTERM stop it and remove the temporary files.
 * @throws Error with a clear message for an unknown grid, an unreadable or empty vocabulary, a vocabulary
 *   with no word usable on the grid, an output that exists (without `force`) or is an input, a write
 *   failure (naming the output), or bad settings (TypeError/RangeError naming the option)
 */
export async function synthesizeToFile(req: SynthFileRequest): Promise<SynthSummary> {
  const count = checkCount(req.count);
  const seed = checkSeed(req.seed ?? 0);
  const missing = req.missing ?? 'skip';
  if (!MISSING_LETTER_POLICIES.includes(missing)) throw invalidOption('missing', MISSING_LETTER_POLICIES.join(' | '), missing);
  const sampling = req.sampling ?? 'uniform';
  if (!WORD_SAMPLINGS.includes(sampling)) throw invalidOption('sampling', WORD_SAMPLINGS.join(' | '), sampling);
  const swipe = resolveSwipeOptions(req.swipe);
  const gridsPath = req.gridsPath ?? DEFAULT_GRIDS_PATH;
  checkOutputPaths([req.out, req.refOut], req.force === true, [req.vocabPath, gridsPath, req.frequencyPath]);
  const gridName = req.gridName ?? 'default';
  const grids = loadGrids(gridsPath);
  const grid = grids[gridName];
  if (grid === undefined) throw new Error(`${gridsPath}: unknown grid ${JSON.stringify(gridName)} (available: ${Object.keys(grids).join(', ')})`);
  const layout = letterLayout(grid);
  const vocab = readVocab(req.vocabPath);
  const filtered = filterVocabForGrid(vocab, layout, missing, req.vocabPath);
  checkWordDurations(vocab, swipe, req.vocabPath);
  if (filtered.words.length === 0) {
    const first = filtered.skipped[0];
    const example = first !== undefined ? `; the first, line ${first.line}: ${JSON.stringify(first.word)}, has no key for ${JSON.stringify(first.letter)}` : '';
    throw new Error(`${req.vocabPath}: no word can be swiped on grid ${JSON.stringify(gridName)} (${filtered.skipped.length} words have letters without a key${example})`);
  }
  let draw: WordSampling | WordWeights = sampling;
  let frequency: SynthSummary['frequency'];
  if (req.frequencyPath !== undefined) {
    if (req.sampling !== undefined && req.sampling !== 'uniform') throw new TypeError(`frequencyPath: draws words by the counts of ${req.frequencyPath}; it replaces sampling ${JSON.stringify(req.sampling)}`);
    const table = readFrequencyTable(req.frequencyPath);
    const counts = table.counts;
    const usable = new Set(filtered.words.map((w) => w.word));
    let skipped = 0;
    for (const w of counts.keys()) if (!usable.has(w)) skipped++;
    // Relative to the largest count: their sum stays finite however large the counts (two of 1e308).
    const weights = filtered.words.map((w) => (counts.get(w.word) ?? 0) / table.maxCount);
    if (!weights.some((w) => w > 0)) {
      throw new Error(`${req.frequencyPath}: no word with a positive count is a usable word of ${req.vocabPath} on grid ${JSON.stringify(gridName)} (${skipped} of its ${counts.size} words are not)`);
    }
    frequency = { skipped, unlisted: weights.filter((w) => w === 0).length };
    draw = { weights };
  }
  const style = gridStyle(gridsPath, gridName, req.inlineGrid ?? false);
  const withWord = req.withWord ?? true;
  const every = req.progressEvery ?? 10_000;

  const out = new AtomicTextWriter(req.out);
  let ref: AtomicTextWriter | null = null;
  try {
    ref = req.refOut !== undefined ? new AtomicTextWriter(req.refOut) : null;
    let done = 0;
    for (const s of synthesizeSwipes(filtered.words, layout, count, seed, draw, swipe)) {
      await out.write(formatSwipeLine(withWord ? s.word : null, s.curve, style) + '\n');
      await ref?.write(s.word + '\n');
      done++;
      if (req.onProgress && done % every === 0 && done < count) req.onProgress(done, count);
      // Let signals and other work in.
      if (done % 4096 === 0) await new Promise<void>((r) => setImmediate(r));
    }
    await out.commit();
  } catch (err) {
    out.abort();
    ref?.abort();
    throw err;
  }
  try {
    await ref?.commit();
  } catch (err) {
    // Both outputs or neither.
    rmSync(req.out, { force: true });
    throw err;
  }
  req.onProgress?.(count, count);
  const summary: SynthSummary = { written: count, vocabularySize: filtered.words.length, skipped: filtered.skipped, substituted: filtered.substituted };
  if (frequency !== undefined) summary.frequency = frequency;
  return summary;
}
