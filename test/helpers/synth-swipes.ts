/** Synthetic swipes in memory (lib/synth), as the decoder reads them: deterministic for a seed. */
import { fileURLToPath } from 'node:url';
import type { Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { letterLayout } from '../../lib/synth/layout.js';
import { synthesizeSwipes } from '../../lib/synth/synthesize.js';
import { filterVocabForGrid } from '../../lib/synth/vocab-filter.js';
import { readVocab } from '../../lib/synth/vocab.js';
import { own } from '../../lib/util/checked.js';

/** The example vocabulary (20,000 real words). */
export const EXAMPLE_VOCAB = fileURLToPath(new URL('../../examples/vocab.txt', import.meta.url));

/** `count` swipes of words of `vocabFile` on `grid`, indices starting at `firstIndex`, touch noise × `noiseScale`. */
export function synthSwipesInMemory(grid: string, count: number, seed: number, vocabFile = EXAMPLE_VOCAB, firstIndex = 0, noiseScale?: number): Swipe[] {
  const layout = letterLayout(own(loadGrids(), grid));
  const words = filterVocabForGrid(readVocab(vocabFile), layout, 'skip', vocabFile).words;
  const out: Swipe[] = [];
  for (const s of synthesizeSwipes(words, layout, count, seed, 'uniform', noiseScale === undefined ? undefined : { noiseScale })) {
    out.push({
      index: firstIndex + out.length, x: Int16Array.from(s.curve.x), y: Int16Array.from(s.curve.y), t: Int16Array.from(s.curve.t), gridName: grid, word: s.word,
    });
  }
  return out;
}
