/**
 * The options `decode`, `predict` and `reproduce` share: device, batch size, workers and threads, with one
 * help text each, so the three commands state the one rule of lib/decode/defaults.ts the same way.
 */
import { InvalidArgumentError, Option } from 'commander';
import { CPU_BATCH_SIZE, DEFAULT_DEVICE, DEFAULT_THREADS_PER_SEARCH } from '../decode/defaults.js';
import type { DeviceRequest } from '../model/model.js';
import { integerArg } from './parse-number.js';
import { parseBatchSize } from './batch-summary.js';

/** The batch-size rule, as the help states it. */
export const BATCH_SIZE_RULE = `${CPU_BATCH_SIZE} on the CPU, auto on CUDA`;

/** The workers rule, as the help states it. */
export const WORKERS_RULE = 'one per core divided by --threads on the CPU, 1 on CUDA';

/** `--device` as commander takes it: `auto`, `cpu`, `cuda` or `cuda:N`. */
export function deviceArg(text: string): DeviceRequest {
  if (!/^(auto|cpu|cuda|cuda:\d+)$/.test(text)) throw new InvalidArgumentError('expected auto, cpu, cuda or cuda:N');
  return text as DeviceRequest;
}

/** `--batch-size` as commander takes it: `auto`, or an integer ≥ 1. */
export function batchSizeArg(text: string): number | 'auto' {
  try {
    return parseBatchSize(text);
  } catch {
    throw new InvalidArgumentError("expected an integer ≥ 1 or 'auto'");
  }
}

/** Where a predict config's value comes first: "the config's batchSize, else …". */
function fromConfig(field: string | undefined, rule: string): string {
  return field === undefined ? rule : `the config's ${field}, else ${rule}`;
}

/**
 * `--device`; default {@link DEFAULT_DEVICE}.
 * @param configField - the config field that comes first (predict), if any
 */
export function deviceOption(configField?: string): Option {
  const o = new Option('--device <device>', 'auto (CUDA when libtorch has it and a GPU is visible, else the CPU) | cpu | cuda | cuda:N').argParser(deviceArg);
  return configField === undefined ? o.default(DEFAULT_DEVICE) : o.default(undefined, fromConfig(configField, DEFAULT_DEVICE));
}

/**
 * `--batch-size`; default {@link BATCH_SIZE_RULE} (lib/decode/defaults.ts applies it once the device is known).
 * @param configField - the config field that comes first (predict), if any
 */
export function batchSizeOption(configField?: string): Option {
  return new Option('--batch-size <n>', "swipes decoded together by each search (continuous batching), or 'auto' (from the GPU's free memory)")
    .argParser(batchSizeArg)
    .default(undefined, fromConfig(configField, BATCH_SIZE_RULE));
}

/** `--workers`; default {@link WORKERS_RULE}. */
export function workersOption(): Option {
  return new Option('--workers <n>', 'searches run at once on parts of the data').argParser(integerArg(1, 1024)).default(undefined, WORKERS_RULE);
}

/**
 * `--threads`, libtorch intra-op threads per search; default {@link DEFAULT_THREADS_PER_SEARCH}.
 * @param configField - the config field that comes first (predict), if any
 */
export function threadsOption(configField?: string): Option {
  const o = new Option('--threads <n>', 'libtorch intra-op threads per search').argParser(integerArg(1, 1024));
  return configField === undefined ? o.default(DEFAULT_THREADS_PER_SEARCH) : o.default(undefined, fromConfig(configField, String(DEFAULT_THREADS_PER_SEARCH)));
}

/**
 * The vocabulary flags' one rule, for `decode` and `serve`: `--use-vocab` needs `--vocab`, and `--vocab` is
 * read only by `--use-vocab` (or `--repair`, where the command has it); a `--vocab` nothing reads is refused
 * rather than silently ignored.
 * @param o - the command's flags (`repair` undefined where the command has no --repair)
 * @throws Error naming the flags
 */
export function checkVocabFlags(o: { vocab?: string; useVocab?: boolean; repair?: string }, hasRepair: boolean): void {
  if (o.useVocab && !o.vocab) throw new Error('--use-vocab needs --vocab <file>');
  if (o.vocab && !o.useVocab && o.repair === undefined) {
    throw new Error(`--vocab ${o.vocab} is only read with --use-vocab (restrict the outputs to its words)${hasRepair ? ' or --repair' : ''}: add ${hasRepair ? 'one' : 'it'}, or drop --vocab`);
  }
}
