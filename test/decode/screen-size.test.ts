/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the server, checked field by field by the assertions */
/**
 * Swipes from a keyboard of another size: with the keyboard's `width` and `height` given, the library and
 * `serve` map the points onto the grid the model was trained on before the features. 200 synthetic swipes
 * (the library's synth on the default grid, the bundled example vocabulary) drawn at half size decode to
 * the top word of the originals on at least 95% of the swipes; without the size they do not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model } from '../../lib/model/model.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { InvalidSwipeError } from '../../lib/data/swipe-input.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { synthesizeToFile } from '../../lib/synth/synthesize.js';
import { startServer, type RunningServer } from '../../lib/serve/server.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';

const COUNT = 200;
const grids = loadGrids();
const grid = grids.default!;
let model: Model;
let vocabulary: Vocabulary;
let decoder: Decoder;
let swipes: Swipe[];
let srv: RunningServer;

/** The swipe as drawn on a keyboard `f` times the grid's size, in that keyboard's whole pixels. */
function scaled(s: Swipe, f: number, withSize: boolean): Swipe {
  const out: Swipe = { ...s, x: Int16Array.from(s.x, (v) => Math.round(v * f)), y: Int16Array.from(s.y, (v) => Math.round(v * f)) };
  if (withSize) {
    out.width = grid.width * f;
    out.height = grid.height * f;
  }
  return out;
}

const top1 = (rows: { candidates: [number, string][] }[]): string[] => rows.map((r) => r.candidates[0]?.[1] ?? '');
const agreement = (a: string[], b: string[]): number => a.filter((w, i) => w === b[i]).length / a.length;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-screen-size-'));
  const out = join(dir, 'synth.jsonl');
  await synthesizeToFile({ vocabPath: EXAMPLE_VOCAB, count: COUNT, seed: 29, out, gridName: 'default' });
  swipes = [];
  for await (const s of readSwipes(out, { grids })) swipes.push(s);
  model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  vocabulary = await Vocabulary.fromFile(EXAMPLE_VOCAB, model);
  decoder = await Decoder.create(model, { vocabulary, decoding: { generator: 'beam', beamSize: 6 } });
  srv = await startServer({ model, vocabulary, grids, decoding: { generator: 'beam', beamSize: 6 }, host: '127.0.0.1', port: 0, workers: 2 });
});

afterAll(async () => {
  await srv?.close();
  decoder?.dispose();
  vocabulary?.dispose();
  model?.dispose();
});

describe('swipes with their keyboard size', () => {
  it(`${COUNT} half-size swipes with their size decode to the originals' top word on ≥ 95%; without the size they do not`, { timeout: 300_000 }, async () => {
    expect(swipes).toHaveLength(COUNT);
    const original = top1((await decoder.decode(swipes)).rows);
    const half = top1((await decoder.decode(swipes.map((s) => scaled(s, 0.5, true)))).rows);
    const unsized = top1((await decoder.decode(swipes.map((s) => scaled(s, 0.5, false)))).rows);
    const withSize = agreement(half, original);
    const without = agreement(unsized, original);
    console.log(`screen size: half-size swipes agree with the originals' top-1 on ${(withSize * 100).toFixed(1)}% with their size, ${(without * 100).toFixed(1)}% without`);
    expect(withSize).toBeGreaterThanOrEqual(0.95);
    expect(without).toBeLessThan(0.5);
    // A keyboard of the grid's own size changes nothing.
    const same = (await decoder.decode(swipes.slice(0, 20).map((s) => ({ ...s, width: grid.width, height: grid.height })))).rows;
    expect(same).toEqual((await decoder.decode(swipes.slice(0, 20))).rows);
  });

  it('a size must be both numbers, finite and positive', async () => {
    const s = at(swipes, 0);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ width: 540 }, /swipes\[0\]: height: missing: the keyboard's size is its width and height together \(width is given\)/],
      [{ width: 0, height: 300 }, /swipes\[0\]: width: expected the keyboard's width, a finite number > 0, got number 0/],
      [{ width: 540, height: '333' }, /swipes\[0\]: height: expected the keyboard's height, a finite number > 0, got string "333"/],
      [{ width: Infinity, height: 300 }, /width: expected the keyboard's width, a finite number > 0/],
    ];
    for (const [extra, re] of bad) {
      const err = await decoder.decode([{ ...s, ...extra }]).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidSwipeError);
      expect((err as Error).message).toMatch(re);
    }
  });

  it('serve: a request with width and height answers as the swipe in grid pixels; a bad size is a 400 naming the field', async () => {
    const api = (s: Swipe) => ({ x: Array.from(s.x), y: Array.from(s.y), t: Array.from(s.t), grid_name: s.gridName });
    const post = async (body: unknown) => {
      const res = await fetch(`${srv.url}/v1/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const part = swipes.slice(0, 10);
    const expected = (await decoder.decode(part.map((s) => scaled(s, 0.5, true)))).rows;
    const answer = await post({ swipes: part.map((s) => ({ ...api(scaled(s, 0.5, false)), width: grid.width / 2, height: grid.height / 2 })) });
    expect(answer.status).toBe(200);
    answer.body.results.forEach((r: any, i: number) => expect(r.candidates.map((c: [number, string]) => c[1])).toEqual(at(expected, i).candidates.map((c) => c[1])));
    const single = await post({ ...api(scaled(at(part, 0), 0.5, false)), width: 540, height: 333.5 });
    expect(single.status).toBe(200);
    expect(single.body.candidates[0][1]).toBe(at(expected, 0).candidates[0]?.[1]);
    const bad = await post({ ...api(at(part, 0)), width: 540 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'height' });
    expect(bad.body.error.message).toMatch(/^height: missing: the keyboard's size is its width and height together/);
    const nested = await post({ swipes: [{ ...api(at(part, 0)), width: -1, height: 10 }] });
    expect(nested.status).toBe(400);
    expect(nested.body.error.field).toBe('swipes[0].width');
  });
});
