/** The bundled example model, vocabulary and validation swipes (examples/), for tests on real data. */
import { fileURLToPath } from 'node:url';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';

export const EXAMPLE_MODEL = fileURLToPath(new URL('../../examples/model.pt', import.meta.url));
export const EXAMPLE_VOCAB = fileURLToPath(new URL('../../examples/vocab.txt', import.meta.url));
export const EXAMPLE_VALID = fileURLToPath(new URL('../../examples/valid.jsonl', import.meta.url));

/** The first `n` default-grid swipes of examples/valid.jsonl. */
export async function exampleSwipes(n: number): Promise<Swipe[]> {
  const swipes: Swipe[] = [];
  for await (const s of readSwipes(EXAMPLE_VALID, { grids: loadGrids() })) {
    if (swipes.length === n) break;
    if (s.gridName === 'default') swipes.push(s);
  }
  return swipes;
}
