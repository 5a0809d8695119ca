/**
 * The decoder's post-processors: steps that run on the rows of a search, in order, each declaring the
 * generators it applies to. Levenshtein repair (lib/decode/repair.ts) rescored by a second native call, then
 * the word-frequency prior (lib/decode/prior.ts), which reranks and cuts the lists.
 */
import type { Swipe } from '../data/dataset.js';
import type { NativeDecodeOptions, NativeDecodeResult } from '../native.js';
import type { CharTokenizer } from '../tokenizer.js';
import { at } from '../util/checked.js';
import { compareCodePoints } from '../util/code-points.js';
import type { DecodedSwipe } from './decoder-types.js';
import type { BeamOptions, DecodingOptions, GeneratorName } from './decoding.js';
import { priorTerms, type PriorTerms } from '../options/prior-options.js';
import { applyPrior, type WordPrior } from './prior.js';
import { DeletionIndex, mergeRepaired, repairWords } from './repair.js';
import { inSlices, toRows, uncertify } from './rows.js';
import { rescoringOptions } from '../options/native-payload.js';
import { addDecodeStats, searchStats, type DecodeStats } from './stats.js';

/** What a post-processor may use of the search it follows. */
export interface PostContext {
  swipes: readonly Swipe[];
  tokenizer: CharTokenizer;
  /** The options of the search's native call (a rescoring call starts from them). */
  native: NativeDecodeOptions;
  /** Runs another native call on the same swipes' features, without the vocabulary trie. */
  rescore: (what: string, options: NativeDecodeOptions) => Promise<NativeDecodeResult>;
  /** The search's statistics; a post-processor adds its own native work. */
  stats: DecodeStats;
  /** Candidates each list keeps in the end (`returnHypotheses`); the last post-processor cuts to it. */
  keep: number | null;
}

/** One post-processing step. */
export interface PostProcessor {
  readonly name: string;
  /** Generators whose rows it runs on. */
  readonly generators: readonly GeneratorName[];
  /** Whether it cuts the lists to `keep` itself (the search then returns them whole). */
  readonly cuts: boolean;
  run(rows: DecodedSwipe[], ctx: PostContext, keep: number | null): Promise<void>;
}

/** Levenshtein repair of the beams' non-vocabulary candidates, rescored by the model. */
export function repairStep(words: readonly string[], d: BeamOptions): PostProcessor {
  const k = d.repairDistance ?? 1;
  const index = new DeletionIndex(words, k);
  return {
    name: 'repair',
    generators: ['beam', 'beam-sync'],
    cuts: false,
    async run(rows, ctx, keep) {
      const lists = rows.map((r) => repairWords(r.candidates, index, k, d.repairRescore ?? 8));
      const ids: number[] = [];
      const wordOffsets = [0];
      const swipeOffsets = [0];
      for (const list of lists) {
        for (const w of list) {
          const t = ctx.tokenizer.encode(w);
          for (let i = 1; i < t.length - 1; i++) ids.push(at(t, i));
          wordOffsets.push(ids.length);
        }
        swipeOffsets.push(wordOffsets.length - 1);
      }
      // Exact scoring of each swipe's word list, unmasked, with the search's length normalisation.
      const again = await ctx.rescore('Decoder.decode (repair)', {
        ...ctx.native,
        search: rescoringOptions(ctx.native.search),
        wordLists: { ids: Int32Array.from(ids), wordOffsets: Int32Array.from(wordOffsets), swipeOffsets: Int32Array.from(swipeOffsets) },
      });
      const rescored = await toRows(again, ctx.swipes, ctx.tokenizer, { ranked: true, cutTo: null, keep: null });
      rows.forEach((r, i) => {
        r.candidates = mergeRepaired(r.candidates, at(rescored, i).candidates, index, keep, compareCodePoints);
      });
      addDecodeStats(ctx.stats, searchStats(again.stats));
      for (const r of rows) uncertify(r); // the certificate is of the search's list, which repair changed
    },
  };
}

/** The word-frequency prior (λ, μ and the floor's rank): rerank every list, then cut it to `keep`. */
export function priorStep(prior: WordPrior, { lambda, mu, floorRank }: PriorTerms): PostProcessor {
  if (floorRank !== null) prior.logProbAtRank(floorRank); // rank the counts once, before the slices
  return {
    name: 'prior',
    generators: ['beam', 'beam-sync', 'exact', 'hybrid'],
    cuts: true,
    async run(rows, _ctx, keep) {
      await inSlices(rows, (r) => {
        uncertify(r); // the certificate is of the model's ranking, which the prior changes
        r.candidates = applyPrior(r.candidates, prior, lambda, mu, floorRank);
        if (keep !== null && r.candidates.length > keep) r.candidates.length = keep;
      });
    },
  };
}

/**
 * The post-processors a decoder runs, in order, for its options: repair with repair words, the prior with
 * its frequencies.
 */
export function postProcessors(d: DecodingOptions, repair: readonly string[] | undefined, prior: WordPrior | undefined): PostProcessor[] {
  const out: PostProcessor[] = [];
  if ((d.generator === 'beam' || d.generator === 'beam-sync') && d.repair !== undefined && repair !== undefined) out.push(repairStep(repair, d));
  const terms = priorTerms(d);
  if (terms !== null && prior !== undefined) out.push(priorStep(prior, terms));
  return out.filter((p) => p.generators.includes(d.generator));
}

/**
 * Runs the post-processors on a search's rows. The last one that cuts the lists cuts them to `ctx.keep`;
 * the ones before it keep them whole.
 */
export async function runPostProcessors(steps: readonly PostProcessor[], rows: DecodedSwipe[], ctx: PostContext): Promise<void> {
  let cutter = -1;
  steps.forEach((p, i) => {
    if (p.cuts) cutter = i;
  });
  for (const [i, p] of steps.entries()) await p.run(rows, ctx, cutter < 0 || i >= cutter ? ctx.keep : null);
}
