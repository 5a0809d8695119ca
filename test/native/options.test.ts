/**
 * The native option readers (native/binding/options_reader.cc): every option of `decodeSwipes` and
 * `dtwBaseline` has its type, and a wrong one is a TypeError naming the option, never a silent default
 * (a non-boolean `nativeStep` used to become false). Ranges are RangeErrors naming the option.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import { native, type NativeAddon, type NativeDecodeOptions } from '../../lib/native.js';
import { EXAMPLE_MODEL, exampleSwipes } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';
import { DECODE_COUNTERS, DECODE_WORK_FIELDS, NATIVE_STATS_KEYS, addDecodeStats, emptyDecodeStats, searchStats } from '../../lib/decode/stats.js';

type DecodeArgs = Parameters<NativeAddon['decodeSwipes']>;

describe('decodeSwipes options', () => {
  let model: Model;
  let args: DecodeArgs;

  beforeAll(async () => {
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    // The arguments the decoder passes for two real swipes, caught on their way to the addon.
    const addon = native();
    const decodeSwipes = addon.decodeSwipes.bind(addon);
    addon.decodeSwipes = (...a) => {
      args = a;
      return decodeSwipes(...a);
    };
    try {
      const decoder = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 4 } });
      await decoder.decode(await exampleSwipes(2));
    } finally {
      addon.decodeSwipes = decodeSwipes;
    }
  });
  afterAll(() => model?.dispose());

  function decodeWith(options: Record<string, unknown>): Promise<unknown> {
    const a = [...args] as DecodeArgs;
    a[7] = options as unknown as NativeDecodeOptions;
    return native().decodeSwipes(...a);
  }

  it('decodes with the options the decoder passes', async () => {
    const res = await native().decodeSwipes(...args);
    expect(res.counts).toHaveLength(2);
    expect(res.tokenOffsets).toHaveLength(res.scores.length + 1);
    expect(res.tokens).toBeInstanceOf(Int32Array);
  });

  /** The decoder's options with one field of one part replaced. */
  function withField(part: 'search' | 'engine' | 'limits', name: string, value: unknown): Record<string, unknown> {
    const o = args[7];
    return { ...o, [part]: { ...o[part], [name]: value } };
  }

  it.each([
    ['engine', 'nativeStep', 1, /decodeSwipes: options\.engine\.nativeStep: expected a boolean, got a number/],
    ['engine', 'skipForced', 'yes', /decodeSwipes: options\.engine\.skipForced: expected a boolean, got a string/],
    ['engine', 'reference', null, /decodeSwipes: options\.engine\.reference: expected a boolean, got null/],
    ['engine', 'incremental', 0, /decodeSwipes: options\.engine\.incremental: expected a boolean, got a number/],
    ['search', 'beamSize', '4', /decodeSwipes: options\.search\.beamSize: expected an integer, got a string/],
    ['search', 'normalizationFactor', true, /decodeSwipes: options\.search\.normalizationFactor: expected a number, got a boolean/],
    ['search', 'generator', 1, /decodeSwipes: options\.search\.generator: expected a string, got a number/],
    ['limits', 'nClasses', [35], /decodeSwipes: options\.limits\.nClasses: expected an integer, got an array/],
  ] as const)('%s.%s of the wrong type is a TypeError naming it', async (part, name, value, message) => {
    const err = await Promise.resolve()
      .then(() => decodeWith(withField(part, name, value)))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    ['beamSize', 2.5, /options\.search\.beamSize: expected an integer in/],
    ['beamSize', 0, /decoding\.beamSize: must be in 1\.\.\d+, got 0/],
    ['maxSteps', 1000, /decoding\.maxSteps: must be in 1\.\.\d+/],
    ['generator', 'beem', /decoding\.generator: expected greedy, beam, beam-sync, exact or hybrid, got 'beem'/],
    ['normalizationFactor', Number.NaN, /decoding\.normalizationFactor: must be finite/],
  ])('search.%s = %s is a RangeError naming it', async (name, value, message) => {
    const err = await Promise.resolve()
      .then(() => decodeWith(withField('search', name, value)))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(message);
  });

  it('returns exactly the counters lib/decode/stats.ts lists, in its order and of its types', async () => {
    // native/common/decode_stats.h generates the native side: a counter added on one side only fails here.
    const res = await native().decodeSwipes(...args);
    expect(Object.keys(res.stats)).toEqual(NATIVE_STATS_KEYS);
    expect(Object.keys(res.stats.work)).toEqual(DECODE_WORK_FIELDS);
    const stats = res.stats as unknown as Record<string, unknown>;
    for (const k of NATIVE_STATS_KEYS.filter((key) => key !== 'work')) {
      expect(typeof stats[k], k).toBe(DECODE_COUNTERS[k as keyof typeof DECODE_COUNTERS] === 'any' ? 'boolean' : 'number');
    }
    expect(res.stats.decodeCalls).toBeGreaterThan(0);
    expect(res.stats.work.queryPositions).toBeGreaterThan(0);
    // Zero plus a call's statistics is that call's statistics, field for field.
    const sum = emptyDecodeStats();
    expect(Object.keys(sum)).toEqual([...Object.keys(DECODE_COUNTERS), 'work']);
    addDecodeStats(sum, searchStats(res.stats));
    expect(sum).toEqual(searchStats(res.stats));
  });

  it.each(['exact', 'hybrid'])('generator %s without a vocabulary, called directly, is an internal error', async (generator) => {
    // The library and the CLI reject this first, naming the option (test/native/exact.test.ts,
    // test/decode/cli-search.test.ts); the engine only guards its memory.
    expect(args[1]).toBeNull();
    const err = await Promise.resolve()
      .then(() => decodeWith(withField('search', 'generator', generator)))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^internal invariant violated: the ${generator} search needs a vocabulary trie`));
  });

  it('a missing required option is a TypeError naming it; options must be an object', async () => {
    const { generator: _dropped, ...rest } = args[7].search;
    await expect(Promise.resolve().then(() => decodeWith({ ...args[7], search: rest }))).rejects.toThrow(/options\.search\.generator: missing/);
    const { engine: _engine, ...noEngine } = args[7];
    await expect(Promise.resolve().then(() => decodeWith(noEngine))).rejects.toThrow(/decodeSwipes: options\.engine: expected an object/);
    const a = [...args] as DecodeArgs;
    a[7] = 'beam' as unknown as NativeDecodeOptions;
    expect(() => native().decodeSwipes(...a)).toThrow(/decodeSwipes: options: expected an object, got a string/);
  });
});

describe('dtwBaseline input', () => {
  it('names the field of the wrong type', () => {
    const addon = native();
    const input = {
      grids: [{ left: new Int32Array(1), right: new Int32Array(1), top: new Int32Array(1), bottom: new Int32Array(1), cx: new Float64Array(1), cy: new Float64Array(1), rangeBegin: new Uint32Array(1), rangeEnd: new Uint32Array(1), fallbackBegin: 0, fallbackEnd: 0, wordOffsets: new Uint32Array(1), wordKeys: new Uint16Array(0) }],
      wordRank: new Uint32Array(0), curveOffsets: new Uint32Array(1), xs: new Int32Array(0), ys: new Int32Array(0), curveGrid: new Uint32Array(0), k: 4, prune: true, threads: 1,
    };
    expect(() => addon.dtwBaseline({ ...input, prune: 1 as never })).toThrow(/dtwBaseline: prune: expected a boolean, got a number/);
    expect(() => addon.dtwBaseline({ ...input, grids: [{ ...at(input.grids, 0), cx: new Float32Array(1) as never }] })).toThrow(/dtwBaseline: grids\[0\]\.cx: expected a Float64Array, got a Float32Array/);
    expect(() => addon.dtwBaseline({ ...input, k: -1 })).toThrow(RangeError);
  });
});
