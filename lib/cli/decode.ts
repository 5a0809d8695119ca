/** `neuroswipe decode`: a model + a search over a data file, one prediction row per swipe. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { Decoder, EXACT_PROGRESS_SWIPES } from '../decode/decoder.js';
import { decodeFile, LONG_SWIPE_POLICIES, parseLongSwipePolicy } from '../decode/decode-file.js';
import { DECODING_DEFAULTS, GENERATOR_NAMES, NO_VOCAB_RETURN_HYPOTHESES, withNoVocabularyDefault } from '../decode/decoding.js';
import { loadGrids, DEFAULT_GRIDS_PATH } from '../keyboard/grid.js';
import { Model, PRECISIONS, type DeviceRequest, type Precision } from '../model/model.js';
import { createProgress } from '../util/progress.js';
import { PredictionWriter } from '../predictions.js';
import { checkOutputPaths } from '../io/atomic-write.js';
import { setNumThreads, tuneHeapForThroughput } from '../runtime.js';
import { Vocabulary, fitWordList } from '../vocabulary.js';
import { blankLinesNote, readWordList } from '../io/word-list.js';
import { batchSummary } from './batch-summary.js';
import { countLines } from '../io/count-lines.js';
import { parseNumber } from './parse-number.js';
import { batchSizeOption, checkVocabFlags, deviceOption, threadsOption, workersOption } from './decoding-options.js';
import { resolveDecodingOptions } from '../decode/decoding.js';
import { defaultBatchSize, defaultWorkers, toPredictionRow } from '../decode/defaults.js';
import { readFrequencyTable, WordPrior } from '../decode/prior.js';

interface DecodeCliOptions {
  model: string;
  data: string;
  grids: string;
  vocab?: string;
  useVocab?: boolean;
  generator: string;
  beamSize?: string;
  normalizationFactor?: string;
  maxSteps?: string;
  returnHypotheses?: string;
  tokenLogProbFloor?: string;
  scoreCeiling?: string;
  hybridSteps?: string;
  repair?: string;
  repairDistance?: string;
  repairRescore?: string;
  prior?: string;
  priorWeight?: string;
  priorLength?: string;
  device: DeviceRequest;
  precision: Precision;
  batchSize?: number | 'auto';
  workers?: number;
  threads: number;
  grid?: string;
  reference?: boolean;
  torchscriptStep?: boolean;
  skipForced: boolean;
  seedCompatibleFeatures?: boolean;
  out: string;
  force?: boolean;
  longSwipes: string;
  quiet?: boolean;
}

function optionalNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  return text === undefined ? undefined : parseNumber(flag, text, integer);
}

/** Registers `decode`. */
export function register(program: Command): void {
  const beam = DECODING_DEFAULTS.beam;
  program
    .command('decode')
    .description('decode the swipes of a data file into ranked candidate words')
    .requiredOption('--model <file>', 'TorchScript model from scripts/export_torchscript.py')
    .requiredOption('--data <file>', 'swipes, JSONL (inline curve.grid or curve.grid_name)')
    .option('--grids <file>', 'gridname_to_grid.json for curve.grid_name files', DEFAULT_GRIDS_PATH)
    .option('--vocab <file>', 'vocabulary, one word per line (required with --use-vocab)')
    .option('--use-vocab', 'restrict outputs to vocabulary words (the seed’s use_vocab_for_generation)')
    .addOption(new Option('--generator <name>', `search; exact scores every vocabulary word of every swipe: about 100× beam's time (progress every ${EXACT_PROGRESS_SWIPES} swipes)`).choices([...GENERATOR_NAMES]).default('beam'))
    .option('--beam-size <n>', `beam: expansions per step and partials kept (default: ${beam.beamSize})`)
    .option('--normalization-factor <x>', `beam: score = −Σ log p / len^x (default: ${beam.normalizationFactor})`)
    .option('--max-steps <n>', `most tokens generated, <eos> included (default: ${beam.maxSteps})`)
    .option('--return-hypotheses <n>', `beam: candidates kept per swipe (default: all with --use-vocab; ${NO_VOCAB_RETURN_HYPOTHESES} without, as the seed's submission, unless --repair: every finished hypothesis would be hundreds of non-words); exact, hybrid: best words kept (default: 6)`)
    .option('--token-log-prob-floor <x>', 'beam: never expand a token whose log-probability is at or below x (≤ 0; default off)')
    .option('--score-ceiling <x>', 'beam: drop a hypothesis whose score is above x (≥ 0; default off)')
    .option('--repair <kind>', 'beam without --use-vocab: replace non-vocabulary candidates by --vocab words within --repair-distance edits, rescored by the model (levenshtein)')
    .option('--repair-distance <k>', 'with --repair: largest edit distance, 1..3 (default: 1)')
    .option('--repair-rescore <n>', 'with --repair: most vocabulary words rescored per swipe (default: 8)')
    .option('--prior <file>', 'word-frequency file (word<TAB>count per line) of the prior: score − λ·log p(word) + μ·length; off unless given')
    .option('--prior-weight <λ>', 'with --prior: λ, finite, ≥ 0 (fit it with neuroswipe fit-prior)')
    .option('--prior-length <μ>', 'with --prior: μ, added per character (default: 0)')
    .option('--hybrid-steps <n>', `hybrid: beam steps before every vocabulary word under the kept prefixes is scored (default: ${DECODING_DEFAULTS.hybrid.hybridSteps})`)
    .addOption(deviceOption())
    .addOption(new Option('--precision <dtype>', 'dtype the model computes in; bfloat16 (CPU or CUDA) and float16 (CUDA only) drift slightly from float32, the seed-exact mode').choices([...PRECISIONS]).default('float32'))
    .addOption(batchSizeOption())
    .addOption(workersOption())
    .addOption(threadsOption())
    .option('--grid <name>', "decode this grid's swipes (default: the grids named in the model's metadata)")
    .option('--reference', "the seed's own loop: batch of one, full-prefix decode per hypothesis (slow; for parity checks)")
    .option('--torchscript-step', "on the CPU, call the model's decode_step instead of the built-in decoder step (same results, slower)")
    .option('--no-skip-forced', 'run the model even where the vocabulary allows a single next token (same results, slower)')
    .option('--seed-compatible-features', "reproduce the seed's inf/NaN features on equal timestamps")
    .requiredOption('--out <file>', 'prediction rows, JSONL (written to a temp file, then renamed)')
    .option('--force', 'overwrite --out if it exists')
    .option('--long-swipes <policy>', `swipes with more points than the model's max_curve_len: ${LONG_SWIPE_POLICIES.join(' | ')} (skip decodes the others and reports the skipped lines)`, 'fail')
    .action(async (o: DecodeCliOptions) => {
      checkOutputPaths([o.out], o.force === true, [o.data, o.model, o.vocab, o.grids, o.prior]);
      const longSwipes = parseLongSwipePolicy(o.longSwipes);
      checkVocabFlags(o, true);
      if (o.repair !== undefined) {
        if (o.repair !== 'levenshtein') throw new Error(`--repair: expected levenshtein, got ${JSON.stringify(o.repair)}`);
        if (o.useVocab) throw new Error('--repair levenshtein repairs a search without the vocabulary: drop --use-vocab');
        if (!o.vocab) throw new Error('--repair levenshtein needs --vocab <file> (the words to repair to)');
        if (o.generator !== 'beam' && o.generator !== 'beam-sync') throw new Error('--repair applies to --generator beam and beam-sync');
      } else if (o.repairDistance ?? o.repairRescore) {
        throw new Error('--repair-distance and --repair-rescore apply with --repair levenshtein');
      }
      if (o.prior !== undefined) {
        if (o.priorWeight === undefined) throw new Error('--prior needs --prior-weight <λ> (fit it with neuroswipe fit-prior)');
        if (o.generator === 'greedy') throw new Error('--prior reranks candidate lists: it applies to beam, beam-sync, exact and hybrid, not greedy');
      } else if (o.priorWeight ?? o.priorLength) {
        throw new Error('--prior-weight and --prior-length apply with --prior <file>');
      }
      // Read before the model is loaded, so that a bad line fails fast.
      const prior = o.prior !== undefined ? new WordPrior(readFrequencyTable(o.prior)) : undefined;
      const threads = o.threads;
      setNumThreads(threads);
      tuneHeapForThroughput();
      const given: { generator: string; [k: string]: unknown } = { generator: o.generator };
      const set = (k: string, v: number | undefined): void => {
        if (v !== undefined) given[k] = v;
      };
      set('maxSteps', optionalNumber('--max-steps', o.maxSteps, true));
      const scoresWords = o.generator === 'exact' || o.generator === 'hybrid';
      if (scoresWords) {
        if (!o.useVocab) throw new Error(`--generator ${o.generator} scores vocabulary words: it needs --use-vocab --vocab <file>`);
        if (o.generator === 'exact' && o.beamSize !== undefined) throw new Error('--beam-size applies to beam, beam-sync and hybrid, not exact (it scores every vocabulary word)');
        if (o.reference) throw new Error(`--reference is the seed's one-prefix-per-call loop; ${o.generator} runs many prefixes per call`);
        if (o.tokenLogProbFloor ?? o.scoreCeiling) throw new Error(`--token-log-prob-floor and --score-ceiling prune beam and beam-sync, not ${o.generator}`);
      }
      if (o.hybridSteps !== undefined && o.generator !== 'hybrid') throw new Error('--hybrid-steps applies to --generator hybrid');
      if (o.generator !== 'greedy') {
        if (o.generator !== 'exact') set('beamSize', optionalNumber('--beam-size', o.beamSize, true));
        if (o.generator === 'hybrid') set('hybridSteps', optionalNumber('--hybrid-steps', o.hybridSteps, true));
        if (!scoresWords) {
          set('tokenLogProbFloor', optionalNumber('--token-log-prob-floor', o.tokenLogProbFloor, false));
          set('scoreCeiling', optionalNumber('--score-ceiling', o.scoreCeiling, false));
          if (o.repair !== undefined) {
            given.repair = o.repair;
            set('repairDistance', optionalNumber('--repair-distance', o.repairDistance, true));
            set('repairRescore', optionalNumber('--repair-rescore', o.repairRescore, true));
          }
        }
        if (o.prior !== undefined) {
          set('priorWeight', optionalNumber('--prior-weight', o.priorWeight, false));
          set('priorLength', optionalNumber('--prior-length', o.priorLength, false));
        }
        set('normalizationFactor', optionalNumber('--normalization-factor', o.normalizationFactor, false));
        set('returnHypotheses', optionalNumber('--return-hypotheses', o.returnHypotheses, true));
      } else if (o.beamSize ?? o.normalizationFactor ?? o.returnHypotheses ?? o.tokenLogProbFloor ?? o.scoreCeiling) {
        throw new Error('--beam-size, --normalization-factor and --return-hypotheses apply to beam and beam-sync, not greedy');
      }
      const grids = loadGrids(o.grids);
      const model = await Model.load(o.model, { device: o.device, precision: o.precision });
      // Without a vocabulary the beams keep NO_VOCAB_RETURN_HYPOTHESES candidates unless told otherwise.
      Object.assign(given, withNoVocabularyDefault(given, o.useVocab === true));
      try {
        const gridNames = o.grid ? [o.grid] : model.metadata.grid_names;
        const decoding = resolveDecodingOptions(given, { nClasses: model.metadata.n_classes, maxTokenLen: model.metadata.max_token_len });
        let vocabulary: Vocabulary | null = null;
        // Only for the tokenizer (the searches that need a vocabulary get it below).
        const decoderBase = await Decoder.create(model, { grids });
        let repairWords: string[] | undefined;
        if (o.vocab) {
          const list = readWordList(o.vocab);
          const fitted = fitWordList(list, decoding.maxSteps - 1);
          const blank = blankLinesNote(list);
          if (blank !== null) process.stderr.write(`${blank}\n`);
          if (fitted.tooLong > 0) {
            process.stderr.write(`${o.vocab}: skipped ${fitted.tooLong} word${fitted.tooLong === 1 ? '' : 's'} longer than ${decoding.maxSteps - 1} characters (the decoder generates at most ${decoding.maxSteps} tokens, <eos> included)\n`);
          }
          if (o.useVocab) vocabulary = await Vocabulary.build(fitted.words, decoderBase.tokenizer, o.vocab, fitted.lines);
          else repairWords = fitted.words;
        }
        const decoder = await Decoder.create(model, {
          decoding, grids, vocabulary, repairWords, prior, reference: o.reference,
          batchSize: o.batchSize ?? defaultBatchSize(model.device),
          workers: o.workers ?? defaultWorkers(model.device, threads),
          seedCompatibleFeatures: o.seedCompatibleFeatures,
          nativeStep: !o.torchscriptStep,
          skipForced: o.skipForced,
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
