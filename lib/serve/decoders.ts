/**
 * The server's decoders: one per served model for the server's own options, and a bounded cache of the
 * decoders requests' options ask for; and the routing of a grid to the model that decodes it.
 */
import { Decoder } from '../decode/decoder.js';
import type { DecodingInput } from '../decode/decoding.js';
import type { WordPrior } from '../decode/prior.js';
import { gridAlphabet } from '../keyboard/grid.js';
import type { Model } from '../model/model.js';
import { optionOf } from '../invalid-option.js';
import type { Vocabulary } from '../vocabulary.js';
import { RequestError, badField, mergeDecoding, type GridRegistry, type MergedDecoding, type RequestLimits } from './request.js';
import { overRequestLimit } from '../options/resolve.js';
import { priorOptions } from '../options/prior-options.js';

/** A model's word-frequency prior: the frequencies and the fitted weights (the prior's decoding options, lib/decode/prior.ts). */
export interface ServedPrior {
  frequencies: WordPrior;
  /** λ, the weight of −log p(word). */
  weight: number;
  /** μ, added per character. Default 0. */
  length?: number;
  /** The floor's rank k: rarer words share the prior of the k-th most frequent. Default none. */
  floorRank?: number | null;
}

/** One more model a server decodes with, its vocabulary and its prior. */
export interface ServedModel {
  /** The loaded model (the server does not dispose it). */
  model: Model;
  /** Restrict this model's outputs to these words. Default none. */
  vocabulary?: Vocabulary | null;
  /** Rerank this model's candidates by word frequency (beam, beam-sync, exact, hybrid; not greedy). Default none. */
  prior?: ServedPrior | null;
}

/** Option sets kept besides the server's own. */
const DECODER_CACHE = 32;
/** Grid keys whose model is remembered. */
const ROUTE_CACHE = 4096;

/** How the server's decoders run. */
export interface DecoderSettings {
  /** Swipes per native search (at most 16 in flight, as `decode` on the CPU; more refill its slots). */
  batchSize: number;
  nativeStep: boolean;
}

/** The served models' decoders, by option set, and the model of each grid. */
export class DecoderCache {
  private readonly base: Decoder[] = [];
  private readonly decoders = new Map<string, Decoder>();
  private readonly routes = new Map<string, number>();

  private constructor(
    readonly served: readonly ServedModel[],
    private readonly registry: GridRegistry,
    private readonly limits: RequestLimits,
    private readonly settings: DecoderSettings,
    /** The server's own options (requests merge into them). */
    readonly options: MergedDecoding,
  ) {
    registry.onEvict = (key) => {
      // An evicted inline grid's features context and route go with it (the table stays bounded).
      this.routes.delete(key);
      for (const d of this.decoders.values()) d.forgetGrid(key);
    };
  }

  /**
   * Builds each served model's decoder for the server's options, so that a bad option fails at start.
   * @throws the decoder's errors, naming the option
   */
  static async create(served: readonly ServedModel[], registry: GridRegistry, limits: RequestLimits, settings: DecoderSettings, options: MergedDecoding): Promise<DecoderCache> {
    const c = new DecoderCache(served, registry, limits, settings, options);
    for (let i = 0; i < served.length; i++) {
      const d = await c.build(i, c.options);
      c.base.push(d);
      c.decoders.set(c.key(i, d, c.options), d);
    }
    const first = c.base[0]?.decoding;
    const over = first === undefined ? null : overRequestLimit(first, limits);
    if (over !== null) throw new RangeError(`decoding.${over.spec.name}: ${over.value} is above ${over.limit.name} ${over.max}`);
    return c;
  }

  /** The server's own decoder of model `i`. */
  baseDecoder(i: number): Decoder {
    const d = this.base[i];
    if (d === undefined) throw new RangeError(`no served model ${i}`);
    return d;
  }

  private key(i: number, d: Decoder, o: MergedDecoding): string {
    return `${i}:${JSON.stringify(d.decoding)}:${JSON.stringify(o.vocabulary)}`;
  }

  /** A decoder of model `i` for options `o`: the model's prior weights added, the vocabulary's options where it has one. */
  private async build(i: number, o: MergedDecoding): Promise<Decoder> {
    const s = this.served[i];
    if (s === undefined) throw new RangeError(`no served model ${i}`);
    const prior = s.prior ?? null;
    const decoding = (prior === null || o.decoding.generator === 'greedy' ? o.decoding : { ...o.decoding, ...priorOptions(prior.weight, prior.length ?? 0, prior.floorRank ?? null) }) as DecodingInput;
    const vocabulary = s.vocabulary ?? null;
    const d = await Decoder.create(s.model, {
      decoding, grids: this.registry.grids, vocabulary, ...(prior ? { prior: prior.frequencies } : {}),
      ...(vocabulary !== null ? o.vocabulary : {}), batchSize: this.settings.batchSize, workers: 1, nativeStep: this.settings.nativeStep,
    });
    return d;
  }

  /**
   * The decoder of model `i` for a request's options (the server's own without any).
   * @throws RequestError 400 naming the option a request got wrong
   */
  async decoderFor(i: number, request: Record<string, unknown> | null): Promise<Decoder> {
    if (request === null) return this.baseDecoder(i);
    const merged = mergeDecoding(this.options, request, this.limits);
    if (Object.keys(merged.vocabulary).length > 0 && !this.served.some((s) => s.vocabulary)) {
      throw badField(`decoding.${Object.keys(merged.vocabulary)[0] ?? ''}`, 'applies only with the vocabulary; this server was started without --use-vocab');
    }
    let d: Decoder;
    try {
      d = await this.build(i, merged);
    } catch (err) {
      const bad = optionOf(err);
      if (bad === null) throw err;
      const field = bad.option.startsWith('decoding') ? bad.option : `decoding.${bad.option}`;
      throw new RequestError(400, field, `${field}: ${bad.problem}`);
    }
    const key = this.key(i, d, merged);
    const cached = this.decoders.get(key);
    if (cached !== undefined) return cached;
    if (this.decoders.size >= DECODER_CACHE + this.base.length) {
      // Drop the oldest option set other than the server's own (a Map keeps insertion order).
      for (const [k, old] of this.decoders) {
        if (!this.base.includes(old)) {
          this.decoders.delete(k);
          break;
        }
      }
    }
    this.decoders.set(key, d);
    return d;
  }

  /** Index into the served models of the one that decodes swipes on the grid registered as `key`. */
  route(key: string): number {
    let i = this.routes.get(key);
    if (i !== undefined) return i;
    const grid = this.registry.grids[key];
    const name = grid?.grid_name ?? key;
    i = this.served.findIndex((s) => s.model.metadata.grid_names.includes(name));
    if (i < 0 && grid !== undefined) {
      // Another grid of the same alphabet as a model's own grids.
      const alphabet = gridAlphabet(grid);
      i = this.served.findIndex((s) => s.model.metadata.grid_names.some((g) => {
        const own = this.registry.grids[g];
        return own !== undefined && gridAlphabet(own) === alphabet;
      }));
    }
    if (i < 0) i = 0;
    if (this.routes.size < ROUTE_CACHE) this.routes.set(key, i);
    return i;
  }
}
