// The search bench's summary (scripts/bench/search.mjs) as Markdown: one table per data set, the goals' figures
// and the mask example; read by scripts/bench.mjs through search.mjs --markdown.

/** The methods the summaries pick out by name (scripts/bench/search.mjs names them). */
const BEAM_SEED = 'beam + vocabulary, seed scoring';
// The default search with a vocabulary: beam under model scoring, its first word proven (certifyTop 1,
// lib/options/schema.ts vocabularySearchDefaults).
const DEFAULT = 'beam + vocabulary, model scoring';
const EXACT_MODEL = 'exact, model scoring';
const REPAIR = 'beam (no vocabulary) + repair, k 1, 8 rescored';

/** A row's search error against exact, in percent of the swipes exact decoded. */
const searchErrorPercent = (x) => (100 * x.searchErrors) / x.exactSwipes;

/** A row's time per swipe against that of `base` (seed-scoring beam + vocabulary). */
const costAgainst = (base, x) => base.swipesPerSecond / x.swipesPerSecond;

/** A row's certified shares, first candidate / whole list, or "—". */
function certifiedShare(x) {
  return x.certified === null ? '—' : `${((100 * x.certified.first) / x.swipes).toFixed(0)}% / ${((100 * x.certified.list) / x.swipes).toFixed(0)}%`;
}

/**
 * Search error against cost under model scoring, set by set: the default (its first word proven) beside the
 * plain beams (certifyTop 0) of every width the run has, and the cheapest of them under 1% search error.
 */
function tradeOff(s) {
  const plain = (x) => /^beam(-sync)?( \d+)? \+ vocabulary, model scoring, certifyTop 0$/.test(x.method);
  const columns = s.results[0].rows.filter((x) => x.method === DEFAULT || plain(x)).map((x) => x.method);
  const out = ['#### Search error against cost, model scoring', ''];
  out.push('Search error against exact model scoring, and cost against seed-scoring beam + vocabulary, of the default and of the plain beams (no proof) of each width. "Cheapest under 1%": the cheapest search of this table and of the table above (every method with the vocabulary under model scoring but exact itself) whose search error is under 1%.', '');
  const label = (c) => (c === DEFAULT ? 'default (beam 6, first word proven)' : c.replace(' + vocabulary, model scoring, certifyTop 0', '').replace(/^(beam(-sync)?)$/, '$1 6'));
  out.push(`| set | ${columns.map(label).join(' | ')} | cheapest under 1% |`, `|---|${columns.map(() => '---').join('|')}|---|`);
  for (const r of s.results) {
    const by = Object.fromEntries(r.rows.map((x) => [x.method, x]));
    const cost = (x) => costAgainst(by[BEAM_SEED], x);
    const cells = columns.map((c) => `${searchErrorPercent(by[c]).toFixed(0)}%, ${cost(by[c]).toFixed(2)}×`);
    const under = r.rows.filter((x) => x.reference === 'model' && /model scoring/.test(x.method) && !/^exact|prior/.test(x.method) && searchErrorPercent(x) < 1).sort((a, b) => cost(a) - cost(b));
    const cheapest = under.length === 0 ? 'none' : `${under[0].method}: ${cost(under[0]).toFixed(2)}×`;
    out.push(`| ${r.set} | ${cells.join(' | ')} | ${cheapest} |`);
  }
  out.push('');
  return out;
}

/** The comparison as Markdown: one table per data set, the goals' figures, and the mask example. */
export function formatSearch(s) {
  const out = [];
  out.push(`Model \`${s.model}\`, vocabulary \`${s.vocabulary.path}\` (${s.vocabulary.words} words), CPU, ${s.workers} searches at once of batch ${s.batchSize}, 1 libtorch thread each; the whole script took ${(s.seconds / 60).toFixed(1)} min. Every method decodes the first ${s.swipes} default-grid swipes of each set; exact search the first ${s.exactSwipes} (${s.exactSwipes * s.results.length} in all), under each scoring. A method's search error is counted on those swipes against exact search under the same scoring (top-1 ≠ exact's top-1; "exact right": where exact's top-1 is the true word); the methods without the vocabulary are counted against exact under model scoring, the model's own probabilities. Seed scoring renormalises each step over the letters the vocabulary allows (the seed's mask); model scoring keeps the model's full log-probabilities (docs/SEARCH.md, "Vocabulary scoring"). Beam: size 6, normalization factor 0.5, max 35 steps; under model scoring the beams prove their first word (certifyTop 1, the default; "certifyTop 0": the plain beam); hybrid: 3 beam steps, then the best words under the kept prefixes (branch and bound); exact: branch and bound over the whole vocabulary; "nf 0": normalization factor 0, words ranked by the plain log-probability of the whole word, their search error counted against exact with nf 0; "beam-sync 12/24/35": wider plain beams. Certified: the share of swipes whose first candidate the search proved to be the vocabulary's best word under its scoring (no unexplored prefix can beat it), and after the slash the share whose whole returned list (6 words) is proven ("—": the search gives no certificate; docs/SEARCH.md, "Certificate"). Model calls and rows = decoder calls and rows run per swipe, forced chains' rows included (under model scoring a trie-forced chain of letters is scored in the call of the prefix before it). The prior's λ and μ are fitted, under each scoring, on beam + vocabulary decodes of the next ${s.fitSwipes} swipes of the same set (held out), with the Zipf counts by vocabulary line order as frequencies; its search error is counted against exact without the prior (the prior changes top-1 words on purpose). Cost = seconds per swipe (the fastest of up to ${s.repeat} runs), against seed-scoring beam + vocabulary.`, '');
  const goals = [];
  for (const r of s.results) {
    out.push(`### ${r.set} (${r.swipes} swipes)`, '');
    out.push(`| method | Swipe MRR | accuracy | MRR on the ${s.exactSwipes} | search error vs exact | exact right | certified | model calls / swipe | model rows / swipe | swipes/s | cost |`, '|---|---|---|---|---|---|---|---|---|---|---|');
    const by = Object.fromEntries(r.rows.map((x) => [x.method, x]));
    const base = by[BEAM_SEED];
    for (const x of r.rows) {
      const err = `${x.searchErrors}/${x.exactSwipes} (${searchErrorPercent(x).toFixed(1)}%)`;
      const swipes = x.swipes === r.swipes ? '' : ` (on ${x.swipes})`;
      const cert = certifiedShare(x);
      out.push(`| ${x.method} | ${x.mrr.toFixed(4)}${swipes} | ${x.accuracy.toFixed(4)} | ${x.mrrOnExactSwipes.toFixed(4)} | ${err} | ${x.searchErrorsOnTarget}/${x.exactOnTarget} | ${cert} | ${x.decodeCalls.toFixed(1)} | ${x.decodeRows.toFixed(1)} | ${x.swipesPerSecond.toFixed(x.swipesPerSecond < 10 ? 2 : 1)} | ${costAgainst(base, x).toFixed(2)}× |`);
    }
    out.push('');
    for (const scoring of Object.keys(r.prior)) {
      const p = r.prior[scoring];
      out.push(`Prior under ${scoring} scoring, fitted on ${p.swipes} held-out swipes: λ = ${p.lambda}, μ = ${p.mu}${p.floorRank === null ? '' : `, floor rank ${p.floorRank}`} (held-out Swipe MRR ${p.initialMrr.toFixed(4)} → ${p.mrr.toFixed(4)}).`);
    }
    const m = by[DEFAULT];
    goals.push({ set: r.set, model: m, seed: base, repair: by[REPAIR], exact: by[EXACT_MODEL], cost: costAgainst(base, m) });
    out.push('');
  }
  out.push('#### Goals: the default search with a vocabulary (beam + vocabulary, model scoring, first word proven)', '');
  out.push('| set | MRR, default | MRR, beam + vocabulary, seed scoring | MRR, repair (k 1) | ≥ repair | cost vs seed scoring (≤ 1.5×) | search error vs exact, model scoring (< 1%) | certified | MRR, exact (model scoring) |', '|---|---|---|---|---|---|---|---|---|');
  for (const g of goals) {
    const err = searchErrorPercent(g.model);
    const cert = certifiedShare(g.model);
    out.push(`| ${g.set} | ${g.model.mrr.toFixed(4)} | ${g.seed.mrr.toFixed(4)} | ${g.repair.mrr.toFixed(4)} | ${g.model.mrr >= g.repair.mrr ? 'met' : 'not met'} | ${g.cost.toFixed(2)}× (${g.cost <= 1.5 ? 'met' : 'not met'}) | ${err.toFixed(1)}% (${err < 1 ? 'met' : 'not met'}) | ${cert} | ${g.exact.mrrOnExactSwipes.toFixed(4)} (on ${g.exact.swipes}) |`);
  }
  const all = goals.map((g) => g.model);
  const errors = all.reduce((a, x) => a + x.searchErrors, 0);
  const total = all.reduce((a, x) => a + x.exactSwipes, 0);
  out.push('', `Search error of the default search against exact model scoring over all sets: ${errors}/${total} (${((100 * errors) / total).toFixed(2)}%).`, '');
  out.push(...tradeOff(s));
  const e = s.example;
  if (e !== null) {
    out.push(`#### Masked and unmasked scores of one swipe (swipe ${e.swipe} of ${s.results[0].set})`, '');
    out.push('Per token: log p over every class (as repair rescores) and renormalised over the letters the vocabulary allows after that prefix (as seed scoring does); "allowed" is how many tokens the vocabulary allows there. Score = −Σ log p / len^0.5.', '');
    for (const w of e.words) {
      out.push(`**${w.word}**${w.target ? ' (the target)' : ' (beam + vocabulary\'s top-1)'}: unmasked score ${w.unmaskedScore.toFixed(4)}, masked score ${w.maskedScore.toFixed(4)}`, '');
      out.push(`| token | ${w.tokens.map((t) => t.token).join(' | ')} |`, `|---|${w.tokens.map(() => '---').join('|')}|`);
      out.push(`| allowed | ${w.tokens.map((t) => t.allowed).join(' | ')} |`);
      out.push(`| log p, unmasked | ${w.tokens.map((t) => t.unmasked.toFixed(3)).join(' | ')} |`);
      out.push(`| log p, masked | ${w.tokens.map((t) => t.masked.toFixed(3)).join(' | ')} |`, '');
    }
  }
  return out.join('\n');
}
