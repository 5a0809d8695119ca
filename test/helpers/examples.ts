/** The bundled example model, vocabulary and validation swipes (examples/), for tests on real data. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import { setNumThreads } from '../../lib/runtime.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';

export const EXAMPLE_MODEL = fileURLToPath(new URL('../../examples/model.pt', import.meta.url));
export const EXAMPLE_VOCAB = fileURLToPath(new URL('../../examples/vocab.txt', import.meta.url));
export const EXAMPLE_VALID = fileURLToPath(new URL('../../examples/valid.jsonl', import.meta.url));
/** The English example (examples/en/): model, vocabulary, word counts, and the frequency-drawn test swipes with their words. */
export const EN_MODEL = fileURLToPath(new URL('../../examples/en/model.pt', import.meta.url));
export const EN_VOCAB = fileURLToPath(new URL('../../examples/en/vocab.txt', import.meta.url));
export const EN_FREQUENCY = fileURLToPath(new URL('../../examples/en/frequency.tsv', import.meta.url));
export const EN_TEST = fileURLToPath(new URL('../../examples/en/test.jsonl', import.meta.url));
export const EN_TEST_REF = fileURLToPath(new URL('../../examples/en/test.ref', import.meta.url));

/** The first `n` default-grid swipes of examples/valid.jsonl. */
export async function exampleSwipes(n: number): Promise<Swipe[]> {
  const swipes: Swipe[] = [];
  for await (const s of readSwipes(EXAMPLE_VALID, { grids: loadGrids() })) {
    if (swipes.length === n) break;
    if (s.gridName === 'default') swipes.push(s);
  }
  return swipes;
}

/** The first `n` swipes of examples/en/test.jsonl (qwerty) with their words. */
export async function englishSwipes(n: number): Promise<{ swipes: Swipe[]; words: string[] }> {
  const words = readFileSync(EN_TEST_REF, 'utf8').split('\n').slice(0, n);
  const swipes: Swipe[] = [];
  for await (const s of readSwipes(EN_TEST, { grids: loadGrids() })) {
    if (swipes.length === n) break;
    swipes.push(s);
  }
  return { swipes, words };
}

/** The example model on the CPU (one libtorch thread) and its 20,000-word vocabulary, built with the model's tokenizer. */
export async function exampleModelAndVocabulary(): Promise<{ model: Model; vocab: Vocabulary }> {
  setNumThreads(1);
  const model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  const vocab = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), (await Decoder.create(model)).tokenizer, EXAMPLE_VOCAB);
  return { model, vocab };
}
