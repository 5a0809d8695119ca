/** `neuroswipe serve`: online decoding over HTTP with dynamic batching, and the demo page. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { GENERATOR_NAMES, longestWord, resolveDecodingOptions, withNoVocabularyDefault, type GeneratorName } from '../decode/decoding.js';
import { DECODING_OPTIONS } from '../options/schema.js';
import { addEngineFlags, addOptionFlags, CLI_NAMING, engineFromFlags, flagName, optionsFromFlags } from '../options/cli.js';
import { overRequestLimit } from '../options/resolve.js';
import { checkDecodingRules } from '../options/rules.js';
import { loadGrids, DEFAULT_GRIDS_PATH } from '../keyboard/grid.js';
import { Model, type DeviceRequest, type Precision } from '../model/model.js';
import { setNumThreads, defaultThreadCount, tuneHeapForThroughput } from '../runtime.js';
import { Vocabulary } from '../vocabulary.js';
import { readFrequencyFile, WordPrior } from '../decode/prior.js';
import { startServer } from '../serve/server.js';
import { integerArg, numberArg, parseNumber } from './parse-number.js';
import { checkVocabFlags } from './vocab-flags.js';

interface ServeCliOptions {
  model: string[];
  grids: string;
  vocab?: string[];
  prior?: string[];
  priorWeight?: string[];
  priorLength?: string[];
  useVocab?: boolean;
  host: string;
  port: number;
  generator: string;
  maxBeamSize: number;
  device: DeviceRequest;
  precision: Precision;
  threads: number;
  maxBatchSize: number;
  maxWaitMs: number;
  maxQueue: number;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  maxSwipesPerRequest: number;
  quiet?: boolean;
}

/** The search options serve takes as flags (the post-processors' weights come per model: --prior-weight). */
const SERVE_FLAGS = DECODING_OPTIONS.filter((o) => o.group === 'search').map((o) => o.name);

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The prior's floor rank (declared in lib/options/schema.ts), which serve takes once per --prior. */
const FLOOR_SPEC = DECODING_OPTIONS.find((s) => flagName(s) === '--prior-floor-rank')!;

/** Registers `serve`. */
export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('decode swipes over HTTP (JSON API with dynamic batching, Prometheus metrics) and serve the demo page')
    .requiredOption('--model <file>', 'TorchScript model from python/export_torchscript.py; repeat it to serve one model per keyboard (each swipe goes to the model whose grid_names list its grid)', collect)
    .option('--grids <file>', 'gridname_to_grid.json: the grids requests may name and the demo page draws', DEFAULT_GRIDS_PATH)
    .option('--vocab <file>', 'vocabulary, one word per line (read only with --use-vocab, which requires it); with several --model, one --vocab per model, in the same order', collect)
    .option('--use-vocab', 'restrict outputs to vocabulary words (the seed’s use_vocab_for_generation)')
    .option('--prior <file>', 'word-frequency file (word<TAB>count per line) of the prior: score − λ·max(log p(word), log p_k) + μ·length; the n-th --prior goes with the n-th --model (off unless given)', collect)
    .option('--prior-weight <λ>', 'with --prior: λ, finite, ≥ 0 (fit it with neuroswipe fit-prior); one per --prior', collect)
    .option('--prior-length <μ>', 'with --prior: μ, added per character; one per --prior (default: 0)', collect)
    .option(FLOOR_SPEC.flag, 'with --prior: floor log p(word) at that of the k-th most frequent word (integer ≥ 1); one per --prior, 0 for no floor (default: none)', collect)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', integerArg(0, 65535), 8080)
    .addOption(new Option('--generator <name>', 'search').choices([...GENERATOR_NAMES]).default('beam'));
  addEngineFlags(addOptionFlags(cmd, SERVE_FLAGS).option('--max-beam-size <n>', 'largest decoding.beamSize a request may ask for', integerArg(1), 16), 'serve')
    .option('--max-batch-size <n>', 'most swipes decoded together in one batch', integerArg(1), 16)
    .option('--max-wait-ms <ms>', 'longest a request waits for others to fill its batch', numberArg(0), 2)
    .option('--max-queue <n>', 'most swipes waiting for a batch; beyond it requests get 503 with Retry-After', integerArg(1), 1024)
    .option('--request-timeout-ms <ms>', 'time a request may take, body included, before it gets 503', integerArg(1), 10_000)
    .option('--max-body-bytes <n>', 'largest request body', integerArg(1), 1 << 20)
    .option('--max-swipes-per-request <n>', 'most swipes in one request', integerArg(1), 64)
    .action(async (o: ServeCliOptions) => {
      const vocabs = o.vocab ?? [];
      checkVocabFlags({ vocab: vocabs.length > 0 ? vocabs.join(', ') : undefined, useVocab: o.useVocab }, [], {});
      if (vocabs.length > 0 && vocabs.length !== o.model.length) {
        throw new Error(`--vocab: ${vocabs.length} vocabularies for ${o.model.length} models; give one --vocab per --model, in the same order`);
      }
      const priors = o.prior ?? [];
      const weights = (o.priorWeight ?? []).map((v) => parseNumber('--prior-weight', v, false));
      const lengths = (o.priorLength ?? []).map((v) => parseNumber('--prior-length', v, false));
      const floors = ((o as unknown as Record<string, string[] | undefined>)[FLOOR_SPEC.name] ?? []).map((v) => {
        const k = parseNumber('--prior-floor-rank', v, false);
        if (!Number.isInteger(k) || k < 0) throw new RangeError(`--prior-floor-rank: expected an integer ≥ 1 (0 for no floor), got ${v}`);
        return k === 0 ? null : k;
      });
      if (priors.length > o.model.length) throw new Error(`--prior: ${priors.length} frequency files for ${o.model.length} models; the n-th --prior goes with the n-th --model`);
      if (weights.length !== priors.length) throw new Error(`--prior-weight: ${weights.length} weights for ${priors.length} --prior files; give one --prior-weight per --prior (fit it with neuroswipe fit-prior)`);
      if (lengths.length > 0 && lengths.length !== priors.length) throw new Error(`--prior-length: ${lengths.length} values for ${priors.length} --prior files; give one per --prior, or none`);
      if (floors.length > 0 && floors.length !== priors.length) throw new Error(`--prior-floor-rank: ${floors.length} values for ${priors.length} --prior files; give one per --prior (0 for no floor), or none`);
      for (const w of weights) if (!(w >= 0)) throw new RangeError(`--prior-weight: expected a finite number ≥ 0, got ${w}`);
      if (priors.length > 0 && o.generator === 'greedy') throw new Error('--prior reranks candidate lists: it applies to beam, beam-sync, exact and hybrid, not greedy');
      const { port, maxWaitMs, maxBeamSize } = o;
      const engine = engineFromFlags(o as unknown as Record<string, unknown>, 'serve', (line) => process.stderr.write(`neuroswipe serve: ${line}\n`));
      setNumThreads(o.threads);
      tuneHeapForThroughput();
      const flags = optionsFromFlags(o as unknown as Record<string, unknown>, o.generator as GeneratorName, SERVE_FLAGS);
      const decoding = flags.decoding;
      checkDecodingRules({
        generator: decoding.generator, decoding, useVocabulary: o.useVocab === true, vocabulary: vocabs.length > 0, prior: false,
        ...flags.vocabulary,
      }, CLI_NAMING);
      // Without a vocabulary the beams keep NO_VOCAB_RETURN_HYPOTHESES candidates unless told otherwise.
      Object.assign(decoding, withNoVocabularyDefault(decoding, o.useVocab === true));
      const over = overRequestLimit(decoding, { maxBeamSize });
      if (over !== null) throw new RangeError(`${flagName(over.spec)}: ${over.value} is above ${over.limit.flag} ${over.max}`);
      const grids = loadGrids(o.grids);
      const say = (line: string): void => {
        if (!o.quiet) process.stderr.write(`${line}\n`);
      };
      const models: Model[] = [];
      try {
        for (const path of o.model) models.push(await Model.load(path, { device: o.device, precision: o.precision }));
        const model = models[0]!;
        const onGpu = model.device.startsWith('cuda');
        const vocabularies: (Vocabulary | null)[] = [];
        for (const [i, m] of models.entries()) {
          const path = vocabs[i];
          if (!o.useVocab || path === undefined) {
            vocabularies.push(null);
            continue;
          }
          // The word list fitted to the longest word the search can generate, as decode and predict fit it.
          const longest = longestWord(resolveDecodingOptions(decoding, { nClasses: m.metadata.n_classes, maxTokenLen: m.metadata.max_token_len }));
          vocabularies.push(await Vocabulary.fromFile(path, m, { maxLength: longest, onNote: say }));
        }
        const vocabulary = vocabularies[0] ?? null;
        const servedPriors = priors.map((path, i) => ({ frequencies: new WordPrior(readFrequencyFile(path)), weight: weights[i]!, length: lengths[i] ?? 0, floorRank: floors[i] ?? null }));
        const running = await startServer({
          model, grids, vocabulary, decoding, // checked by startServer
          prior: servedPriors[0] ?? null,
          models: models.slice(1).map((m, i) => ({ model: m, vocabulary: vocabularies[i + 1] ?? null, prior: servedPriors[i + 1] ?? null })),
          host: o.host, port,
          maxBatchSize: o.maxBatchSize,
          maxWaitMs,
          maxQueue: o.maxQueue,
          concurrentBatches: (engine.concurrentBatches as number | undefined) ?? (onGpu ? 1 : defaultThreadCount()),
          requestTimeoutMs: o.requestTimeoutMs,
          maxBodyBytes: o.maxBodyBytes,
          maxSwipesPerRequest: o.maxSwipesPerRequest,
          maxBeamSize,
          nativeStep: (engine.nativeStep as boolean | undefined) ?? true,
          ...flags.vocabulary,
        });
        // The address is printed even with --quiet: with --port 0 it is the only place that names the port.
        const described = models.map((m, i) => {
          const v = vocabularies[i];
          const p = priors[i];
          return `${m.path} (grids ${m.metadata.grid_names.join(', ')}${v ? `, vocabulary ${v.size} words` : ''}${p !== undefined ? `, prior ${p} λ ${weights[i]} μ ${lengths[i] ?? 0}${floors[i] != null ? ` k ${floors[i]}` : ''}` : ''})`;
        });
        process.stderr.write(`neuroswipe serve: ${described.join(' and ')} on ${model.device}; listening on ${running.url} (demo page: ${running.url}/)\n`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string): void => {
            say(`neuroswipe serve: ${signal}: finishing ${running.batcher.queued} queued swipes and the batches in flight, then stopping`);
            running.close().then(resolve, resolve);
          };
          process.once('SIGTERM', () => stop('SIGTERM'));
          process.once('SIGINT', () => stop('SIGINT'));
        });
        say('neuroswipe serve: stopped');
      } finally {
        for (const m of models) m.dispose();
      }
    });
}
