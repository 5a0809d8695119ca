/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the server, checked field by field by the assertions */
/**
 * A server with two models, one per keyboard: the English example (qwerty) first and the Russian example
 * (default) second. Swipes are routed by grid name, a grid no model names by its alphabet, and a request that
 * mixes grids gets each swipe decoded by its own model, in request order, exactly as offline decoding does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from '../../lib/decode/decoder.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { startServer, type RunningServer, type ServedPrior } from '../../lib/serve/server.js';
import { WordPrior, readFrequencyFile } from '../../lib/decode/prior.js';
import { EXAMPLES } from '../../lib/data/examples.js';
import { EN_MODEL, EN_VOCAB, englishSwipes, exampleSwipes } from '../helpers/examples.js';
import { apiSwipe, loadExample, post, sameCandidates } from './helpers.js';
import { at } from '../../lib/util/checked.js';

let en: { model: Model; vocabulary: Vocabulary; prior?: ServedPrior };
let ru: { model: Model; vocabulary: Vocabulary; prior?: ServedPrior };
let srv: RunningServer;
let enSwipes: Swipe[];
let enWords: string[];
let ruSwipes: Swipe[];

beforeAll(async () => {
  const model = await Model.load(EN_MODEL, { device: 'cpu' });
  const p = EXAMPLES.en.prior!;
  en = { model, vocabulary: await Vocabulary.fromFile(EN_VOCAB, model), prior: { frequencies: new WordPrior(readFrequencyFile(p.frequency)), weight: p.priorWeight, length: p.priorLength, floorRank: p.priorFloorRank ?? null } };
  ru = await loadExample();
  srv = await startServer({
    model: en.model, vocabulary: en.vocabulary, prior: en.prior, models: [{ model: ru.model, vocabulary: ru.vocabulary }],
    grids: loadGrids(), decoding: { generator: 'beam', beamSize: 6 }, host: '127.0.0.1', port: 0, concurrentBatches: 2,
  });
  ({ swipes: enSwipes, words: enWords } = await englishSwipes(6));
  ruSwipes = await exampleSwipes(6);
});

afterAll(async () => {
  await srv?.close();
  en?.model.dispose();
  ru?.model.dispose();
});

describe('serve with an English and a Russian model', () => {
  it('lists both models and their grids, English first', async () => {
    const g = (await (await fetch(`${srv.url}/v1/grids`)).json()) as any;
    expect(g.model_grids).toEqual(['qwerty', 'default']);
    const m = (await (await fetch(`${srv.url}/v1/model`)).json()) as any;
    expect(m.grid_names).toEqual(['qwerty']);
    expect(m.models.map((x: any) => [x.file, x.grid_names, x.n_classes, x.vocabulary.words])).toEqual([
      ['model.pt', ['qwerty'], 28, en.vocabulary.size],
      ['model.pt', ['default'], 35, ru.vocabulary.size],
    ]);
    // The English model reranks with its prior; the Russian one has none.
    const { frequency: _frequency, ...priorOptions } = EXAMPLES.en.prior!;
    expect(m.models[0].decoding).toMatchObject({ generator: 'beam', ...priorOptions });
    expect(m.models[0].decoding.priorFloorRank).toBe(5000);
    expect(m.models[1].decoding.priorWeight).toBeUndefined();
  });

  it('decodes a request that mixes grids with each swipe’s own model, in request order, as offline decoding does', async () => {
    const mixed = [at(enSwipes, 0), at(ruSwipes, 0), at(enSwipes, 1), at(ruSwipes, 1), at(enSwipes, 2)];
    const r = await post(`${srv.url}/v1/decode`, { swipes: mixed.map(apiSwipe) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const rows = r.body.results as { grid_name: string; candidates: [number, string][] }[];
    expect(rows.map((x) => x.grid_name)).toEqual(['qwerty', 'default', 'qwerty', 'default', 'qwerty']);
    for (const row of rows) {
      const script = row.grid_name === 'qwerty' ? /^[a-z]+$/ : /^[а-я-]+$/;
      expect(row.candidates.length).toBeGreaterThan(0);
      expect(row.candidates.filter(([, w]) => !script.test(w))).toEqual([]);
    }
    const offline = async (m: { model: Model; vocabulary: Vocabulary; prior?: ServedPrior }, s: Swipe[]) => {
      const prior = m.prior ? { priorWeight: m.prior.weight, priorLength: m.prior.length, ...(m.prior.floorRank != null ? { priorFloorRank: m.prior.floorRank } : {}) } : {};
      const d = await Decoder.create(m.model, { vocabulary: m.vocabulary, ...(m.prior ? { prior: m.prior.frequencies } : {}), decoding: { generator: 'beam', beamSize: 6, ...prior }, workers: 1 });
      return (await d.decode(s)).rows.map((x) => x.candidates);
    };
    const enRows = await offline(en, [at(enSwipes, 0), at(enSwipes, 1), at(enSwipes, 2)]);
    const ruRows = await offline(ru, [at(ruSwipes, 0), at(ruSwipes, 1)]);
    expect(sameCandidates([0, 2, 4].map((i) => at(rows, i).candidates), enRows)).toBeNull();
    expect(sameCandidates([1, 3].map((i) => at(rows, i).candidates), ruRows)).toBeNull();
  });

  it('finds the English words of the test swipes among the top 4', async () => {
    const r = await post(`${srv.url}/v1/decode`, { swipes: enSwipes.map(apiSwipe) });
    expect(r.status).toBe(200);
    const hits = (r.body.results as { candidates: [number, string][] }[]).filter((x, i) => x.candidates.slice(0, 4).some(([, w]) => w === enWords[i])).length;
    expect(hits).toBeGreaterThanOrEqual(5);
  });

  it('sends a swipe on a grid no model names to the model of the same alphabet', async () => {
    // A Russian swipe on the `extra` grid (the Russian model was trained on `default` only) goes to the
    // Russian model, not to the first (English) one.
    const r = await post(`${srv.url}/v1/decode`, { ...apiSwipe(at(ruSwipes, 2)), grid_name: 'extra' });
    expect(r.status).toBe(200);
    expect(r.body.candidates.length).toBeGreaterThan(0);
    expect(r.body.candidates.filter(([, w]: [number, string]) => !/^[а-я-]+$/.test(w))).toEqual([]);
  });
});
