/**
 * The Russian example with its everyday word list (EXAMPLES.ru.everydayVocab, the demo's and serve's list):
 * synthetic swipes of everyday words that the 20,000 training words lack (привет, and the one-letter я)
 * decode to those words, through the library and through the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Swipe } from '../../lib/data/dataset.js';
import { EXAMPLES } from '../../lib/data/examples.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import type { RunningServer } from '../../lib/serve/server.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { synthSwipesInMemory } from '../helpers/synth-swipes.js';
import { apiSwipe, post, serveExample } from '../serve/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ns-everyday-'));
let model: Model;
let vocabulary: Vocabulary;
let decoder: Decoder;

/** Ten synthetic swipes (fixed seed) of one word on the default grid. */
function swipesOf(word: string): Swipe[] {
  const file = join(dir, `${word}.txt`);
  writeFileSync(file, `${word}\n`);
  return synthSwipesInMemory('default', 10, 7, file);
}

async function topWords(swipes: Swipe[]): Promise<string[]> {
  const { rows } = await decoder.decode(swipes);
  return rows.map((r) => r.candidates[0]?.[1] ?? '');
}

beforeAll(async () => {
  model = await Model.load(EXAMPLES.ru.model, { device: 'cpu' });
  vocabulary = await Vocabulary.fromFile(EXAMPLES.ru.everydayVocab, model);
  decoder = await Decoder.create(model, { vocabulary, decoding: { generator: 'beam', beamSize: 6 } });
}, 120_000);

afterAll(() => {
  decoder?.dispose();
  vocabulary?.dispose();
  model?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Russian everyday word list', () => {
  it('is the list the README and docs/SERVE.md serve the Russian example with', () => {
    expect(vocabulary.size).toBe(165_220);
    for (const doc of ['README.md', 'docs/SERVE.md']) {
      const text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
      expect(text, doc).toContain('--model examples/model.pt --vocab examples/vocab-everyday.txt');
    }
    const training = new Set(readFileSync(EXAMPLES.ru.vocab, 'utf8').split('\n'));
    expect(training.has('привет')).toBe(false);
  });

  it('decodes synthetic swipes of привет and of the one-letter я to those words (library)', { timeout: 120_000 }, async () => {
    const privet = await topWords(swipesOf('привет'));
    expect(privet.filter((w) => w === 'привет').length, privet.join(' ')).toBeGreaterThanOrEqual(8);
    const ya = await topWords(swipesOf('я'));
    expect(ya.filter((w) => w === 'я').length, ya.join(' ')).toBeGreaterThanOrEqual(8);
  });

  it('gives привет first through the server, as the demo page asks it', { timeout: 120_000 }, async () => {
    let srv: RunningServer | undefined;
    try {
      srv = await serveExample(model, vocabulary);
      const swipes = swipesOf('привет');
      const offline = await topWords(swipes);
      const answers = await Promise.all(swipes.map((s) => post(`${srv!.url}/v1/decode`, apiSwipe(s))));
      const served = answers.map((a) => {
        expect(a.status, JSON.stringify(a.body)).toBe(200);
        return (a.body as { candidates: [number, string][] }).candidates[0]?.[1];
      });
      expect(served).toEqual(offline);
      expect(served.filter((w) => w === 'привет').length, served.join(' ')).toBeGreaterThanOrEqual(8);
    } finally {
      await srv?.close();
    }
  });
});
