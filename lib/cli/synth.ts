/**
 * `neuroswipe synth`: writes synthetic swipes (minimum-jerk curves through key centres with touch noise)
 * in the competition JSONL format.
 */
import type { Command } from 'commander';
import { integerArg, parseNumber } from './parse-number.js';
import { createProgress } from '../util/progress.js';
import { synthesizeToFile } from '../synth/synthesize.js';
import { MAX_SYNTH_COUNT } from '../synth/options.js';
import { DEFAULT_GRIDS_PATH } from '../keyboard/grid.js';
import type { MissingLetterPolicy } from '../synth/vocab-filter.js';
import type { WordSampling } from '../synth/sampler.js';
import type { SwipeOptions } from '../synth/generator.js';

interface SynthCliOptions {
  grids: string;
  grid: string;
  vocab: string;
  count: number;
  seed: number;
  out: string;
  inlineGrid?: boolean;
  word: boolean;
  refOut?: string;
  missing: string;
  sampling: string;
  frequency?: string;
  noiseScale?: string;
  outsideRate?: string;
  quiet?: boolean;
  force?: boolean;
}


/** Registers the `synth` command. */
export function register(program: Command): void {
  program
    .command('synth')
    .description('generate synthetic swipes (minimum-jerk curves through key centres with touch noise) as competition JSONL')
    .option('--grids <file>', 'gridname_to_grid.json', DEFAULT_GRIDS_PATH)
    .option('--grid <name>', 'grid to draw on', 'default')
    .requiredOption('--vocab <file>', 'word-per-line vocabulary')
    .requiredOption('--count <n>', `number of swipes (1…${MAX_SYNTH_COUNT})`, integerArg(1, MAX_SYNTH_COUNT))
    .option('--seed <n>', 'random seed (integer); the same seed gives the same file', integerArg(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), 0)
    .requiredOption('--out <file>', 'output JSONL file')
    .option('--inline-grid', 'original format: the full grid object as curve.grid instead of curve.grid_name')
    .option('--no-word', 'omit the word member (valid/test-file style)')
    .option('--ref-out <file>', 'also write the words, one per line (valid.ref style)')
    .option('--missing <policy>', 'words with a letter that has no key on the grid: skip | substitute (ъ→ь, ё→е) | error', 'skip')
    .option('--sampling <kind>', 'word choice: uniform | zipf (weight 1/rank by line order)', 'uniform')
    .option('--frequency <file>', 'word choice by a word-frequency file (word<TAB>count per line): each word drawn with probability ∝ its count; replaces --sampling')
    .option('--noise-scale <x>', 'multiplier of the touch-noise sigma (default: 1.5)')
    .option('--outside-rate <p>', 'share of swipes with points outside the keyboard (default: 0.03)')
    .option('--quiet', 'no progress and no summary, and no warnings (errors are still printed)')
    .option('--force', 'overwrite --out and --ref-out if they exist')
    .action(async (opts: SynthCliOptions) => {
      const swipe: Partial<SwipeOptions> = {};
      if (opts.noiseScale !== undefined) swipe.noiseScale = parseNumber('--noise-scale', opts.noiseScale, false);
      if (opts.outsideRate !== undefined) swipe.outsideRate = parseNumber('--outside-rate', opts.outsideRate, false);
      if (opts.frequency !== undefined && opts.sampling !== 'uniform') throw new Error(`--frequency draws words by its counts; drop --sampling ${opts.sampling}`);
      const count = opts.count;
      const log = (s: string): void => {
        if (!opts.quiet) process.stderr.write(`synth: ${s}\n`);
      };
      const progress = createProgress({ label: 'synth', unit: 'swipes', quiet: opts.quiet });
      progress.start(count);
      let summary;
      try {
        summary = await synthesizeToFile({
          gridsPath: opts.grids,
          gridName: opts.grid,
          vocabPath: opts.vocab,
          count,
          seed: opts.seed,
          out: opts.out,
          force: opts.force === true,
          inlineGrid: opts.inlineGrid ?? false,
          withWord: opts.word,
          refOut: opts.refOut,
          missing: opts.missing as MissingLetterPolicy,
          sampling: opts.sampling as WordSampling,
          ...(opts.frequency !== undefined ? { frequencyPath: opts.frequency } : {}),
          swipe,
          progressEvery: 100,
          onProgress: (done) => progress.update(done),
        });
      } finally {
        progress.stop();
      }
      if (summary.skipped.length > 0) {
        const shown = summary.skipped.slice(0, 5).map((s) => `${s.word} (line ${s.line}, ${s.letter})`).join(', ');
        log(`skipped ${summary.skipped.length} vocabulary words with letters that have no key on grid ${opts.grid}: ${shown}${summary.skipped.length > 5 ? ', …' : ''}`);
      }
      if (summary.frequency !== undefined) {
        const f = summary.frequency;
        if (f.skipped > 0) log(`${opts.frequency}: skipped ${f.skipped} word${f.skipped === 1 ? '' : 's'} that ${f.skipped === 1 ? 'is' : 'are'} not usable vocabulary words`);
        if (f.unlisted > 0) log(`${f.unlisted} vocabulary word${f.unlisted === 1 ? '' : 's'} with no positive count in ${opts.frequency} ${f.unlisted === 1 ? 'is' : 'are'} never drawn`);
      }
      if (summary.substituted > 0) log(`${summary.substituted} words traced with ъ→ь / ё→е`);
      log(`wrote ${summary.written} swipes to ${opts.out} (${summary.vocabularySize} usable words)`);
    });
}
