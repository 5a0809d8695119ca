/** `neuroswipe decode`: a model + a search over a data file, one prediction row per swipe. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { Decoder, EXACT_PROGRESS_SWIPES } from '../decode/decoder.js';
import { decodeFile, LONG_SWIPE_POLICIES, parseLongSwipePolicy } from '../decode/decode-file.js';
import { GENERATOR_NAMES, withNoVocabularyDefault, type GeneratorName } from '../decode/decoding.js';
import { addEngineFlags, addOptionFlags, CLI_NAMING, engineFromFlags, optionsFromFlags } from '../options/cli.js';
import { checkDecodingRules, VOCABULARY_WORD_READERS } from '../options/rules.js';
import { loadGrids, DEFAULT_GRIDS_PATH } from '../keyboard/grid.js';
import { Model, type DeviceRequest, type Precision } from '../model/model.js';
import { createProgress } from '../util/progress.js';
import { PredictionWriter } from '../predictions.js';
import { checkOutputPaths } from '../io/atomic-write.js';
import { setNumThreads, tuneHeapForThroughput } from '../runtime.js';
import { Vocabulary, readFittedWordList } from '../vocabulary.js';
import { batchSummary } from './batch-summary.js';
import { countLines } from '../io/count-lines.js';
import { checkVocabFlags } from './vocab-flags.js';
import { longestWord, resolveDecodingOptions } from '../decode/decoding.js';
import { DEFAULT_NATIVE_STEP, DEFAULT_SKIP_FORCED, defaultBatchSize, defaultWorkers, toPredictionRow } from '../decode/defaults.js';
import { readFrequencyTable, WordPrior } from '../decode/prior.js';

interface DecodeCliOptions {
  model: string;
  data: string;
  grids: string;
  vocab?: string;
  useVocab?: boolean;
  generator: string;
  prior?: string;
  device: DeviceRequest;
  precision: Precision;
  batchSize?: number | 'auto';
  workers?: number;
  threads: number;
  grid?: string;
  reference?: boolean;
  seedCompatibleFeatures?: boolean;
  out: string;
  force?: boolean;
  longSwipes: string;
  quiet?: boolean;
}

/** Registers `decode`. */
export function register(program: Command): void {
  const cmd = program
    .command('decode')
    .description('decode the swipes of a data file into ranked candidate words')
    .requiredOption('--model <file>', 'TorchScript model from python/export_torchscript.py')
    .requiredOption('--data <file>', 'swipes, JSONL (inline curve.grid or curve.grid_name)')
    .option('--grids <file>', 'gridname_to_grid.json for curve.grid_name files', DEFAULT_GRIDS_PATH)
    .option('--vocab <file>', 'vocabulary, one word per line (required with --use-vocab)')
    .option('--use-vocab', 'restrict outputs to vocabulary words (the seed’s use_vocab_for_generation)')
    .addOption(new Option('--generator <name>', `search; exact finds the vocabulary's best words by branch and bound: tens of times beam's time under model scoring (progress every ${EXACT_PROGRESS_SWIPES} swipes)`).choices([...GENERATOR_NAMES]).default('beam'))
    .option('--prior <file>', 'word-frequency file (word<TAB>count per line) of the prior: score − λ·max(log p(word), log p_k) + μ·length; off unless given');
  addEngineFlags(addOptionFlags(cmd), 'decode')
    .option('--grid <name>', "decode this grid's swipes (default: the grids named in the model's metadata)")
    .option('--reference', "the seed's own loop: batch of one, full-prefix decode per hypothesis (slow; for parity checks)")
    .option('--seed-compatible-features', "reproduce the seed's inf/NaN features on equal timestamps")
    .requiredOption('--out <file>', 'prediction rows, JSONL (written to a temp file, then renamed)')
    .option('--force', 'overwrite --out if it exists')
    .option('--long-swipes <policy>', `swipes with more points than the model's max_curve_len: ${LONG_SWIPE_POLICIES.join(' | ')} (skip decodes the others and reports the skipped lines)`, 'fail')
    .action(async (o: DecodeCliOptions) => {
      checkOutputPaths([o.out], o.force === true, [o.data, o.model, o.vocab, o.grids, o.prior]);
      const longSwipes = parseLongSwipePolicy(o.longSwipes);
      const engine = engineFromFlags(o as unknown as Record<string, unknown>, 'decode', () => undefined);
      checkVocabFlags(o, VOCABULARY_WORD_READERS, o as unknown as Record<string, unknown>);
      const flags = optionsFromFlags(o as unknown as Record<string, unknown>, o.generator as GeneratorName);
      const given = flags.decoding;
      checkDecodingRules({
        generator: given.generator, decoding: given, useVocabulary: o.useVocab === true, vocabulary: o.vocab !== undefined,
        prior: o.prior !== undefined, seedScoring: o.reference === true, ...flags.vocabulary,
      }, CLI_NAMING);
      if (o.reference && (o.generator === 'exact' || o.generator === 'hybrid')) throw new Error(`--reference is the seed's one-prefix-per-call loop; ${o.generator} runs many prefixes per call`);
      // Read before the model is loaded, so that a bad line fails fast.
      const prior = o.prior !== undefined ? new WordPrior(readFrequencyTable(o.prior)) : undefined;
      const threads = o.threads;
      setNumThreads(threads);
      tuneHeapForThroughput();
      const grids = loadGrids(o.grids);
      const model = await Model.load(o.model, { device: o.device, precision: o.precision });
      // Without a vocabulary the beams keep NO_VOCAB_RETURN_HYPOTHESES candidates unless told otherwise.
      Object.assign(given, withNoVocabularyDefault(given, o.useVocab === true));
      try {
        const gridNames = o.grid ? [o.grid] : model.metadata.grid_names;
        const decoding = resolveDecodingOptions(given, { nClasses: model.metadata.n_classes, maxTokenLen: model.metadata.max_token_len });
        const note = (line: string): void => void process.stderr.write(`${line}\n`);
        let vocabulary: Vocabulary | null = null;
        let repairWords: string[] | undefined;
        if (o.vocab && o.useVocab) vocabulary = await Vocabulary.fromFile(o.vocab, model, { maxLength: longestWord(decoding), onNote: note });
        else if (o.vocab) repairWords = readFittedWordList(o.vocab, longestWord(decoding), note).words;
        const decoder = await Decoder.create(model, {
          decoding, grids, vocabulary, repairWords, prior, reference: o.reference,
          ...flags.vocabulary,
          batchSize: o.batchSize ?? defaultBatchSize(model.device),
          workers: o.workers ?? defaultWorkers(model.device, threads),
          seedCompatibleFeatures: o.seedCompatibleFeatures,
          // The built-in step and forced-token skipping unless their switches turn them off.
          nativeStep: (engine.nativeStep as boolean | undefined) ?? DEFAULT_NATIVE_STEP,
          skipForced: (engine.skipForced as boolean | undefined) ?? DEFAULT_SKIP_FORCED,
        });
        const progress = createProgress({ label: 'decode', unit: 'swipes', quiet: o.quiet });
        // The bar's total is the file's line count (every grid): the count of the chosen grids' swipes is
        // only known once the file has been read.
        if (!existsSync(o.data)) throw new Error(`${o.data}: data file not found`);
        const lines = o.quiet ? 0 : await countLines(o.data);
        const writer = new PredictionWriter(o.out);
        let summary;
        try {
          progress.start(lines);
          summary = await decodeFile(decoder, o.data, {
            grids, gridNames, longSwipes,
            onRows: async (rows) => {
              for (const r of rows) await writer.write(toPredictionRow(r));
            },
            onProgress: (n) => progress.update(n),
          });
          await writer.close();
        } catch (err) {
          await writer.abort();
          throw err;
        } finally {
          progress.stop();
        }
        if (summary.longSwipes.message !== null) process.stderr.write(`${summary.longSwipes.message}\n`);
        if (o.quiet) return;
        const rate = summary.swipes / Math.max(summary.seconds, 1e-9);
        process.stderr.write(
          `decoded ${summary.swipes} swipes (grids: ${gridNames.join(', ')}) in ${summary.seconds.toFixed(2)} s: ${rate.toFixed(1)} swipes/s on ${model.device} (${model.precision}); ` +
            `${(100 * summary.stats.modelSeconds / Math.max(summary.stats.totalSeconds, 1e-9)).toFixed(0)}% of search time in model calls; ${batchSummary(decoder.batchSize, decoder.autoBatch, summary.stats)}` +
            `${summary.longSwipes.count > 0 ? `; ${summary.longSwipes.count} long swipe${summary.longSwipes.count === 1 ? '' : 's'} skipped` : ''} → ${o.out}\n`,
        );
      } finally {
        model.dispose();
      }
    });
}
