/**
 * A keyboard the model cannot use (a QWERTY layout for the bundled Cyrillic example model) is refused by
 * the decoder with a message that says what the grid lacks and what it has, not an internal lookup error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../../lib/model/model.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { avgHalfKeyDiagonal, loadGrids, type Grid, type GridKey } from '../../lib/keyboard/grid.js';
import { SEED_CYRILLIC_ALPHABET } from '../../lib/keyboard/alphabet.js';
import { exampleSwipes, EXAMPLE_MODEL } from '../helpers/examples.js';

/** A 1080×667 QWERTY keyboard: three letter rows and a space bar, keys 108×167 px. */
function qwerty(): Grid {
  const rows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
  const keys: GridKey[] = [];
  rows.forEach((row, r) => {
    const left = (1080 - row.length * 108) / 2;
    [...row].forEach((label, i) => keys.push({ label, hitbox: { x: Math.round(left + i * 108), y: r * 167, w: 108, h: 167 } }));
  });
  keys.push({ action: 'space', hitbox: { x: 270, y: 501, w: 540, h: 166 } });
  return { width: 1080, height: 667, keys, grid_name: 'qwerty' };
}

let model: Model;
beforeAll(async () => {
  model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
});
afterAll(() => model.dispose());

describe('a grid without the model’s letters', () => {
  it('decoding a swipe on it says the grid lacks the alphabet’s letters and lists the keys it has', async () => {
    const grids = { ...loadGrids(), qwerty: qwerty() };
    const decoder = await Decoder.create(model, { grids, workers: 1 });
    const [swipe] = await exampleSwipes(1);
    if (swipe === undefined) throw new Error('no example swipe');
    const message = await decoder.decode([{ ...swipe, gridName: 'qwerty' }]).then(() => 'decoded', (err: Error) => err.message);
    expect(message).toContain('grid "qwerty" cannot be used: the model\'s key features need keys labelled with the letters of its alphabet (а б в г д е');
    expect(message).toContain('none of its 26 labelled keys (q w e r t y u i o p a s …) is one of them');
    expect(message).not.toContain('no allowed key');
    // The same swipe on the model's own grid decodes.
    const { rows } = await decoder.decode([swipe]);
    expect(rows[0]?.candidates.length).toBeGreaterThan(0);
    decoder.dispose();
  });

  it('the half key diagonal (the weights transform) refuses it in the same words for the Cyrillic alphabet', () => {
    expect(avgHalfKeyDiagonal(qwerty())).toBeCloseTo(Math.sqrt(108 * 108 + 167 * 167) / 2, 9);  // its own alphabet: a–z
    expect(() => avgHalfKeyDiagonal(qwerty(), SEED_CYRILLIC_ALPHABET)).toThrow(/^grid "qwerty" cannot be used: .* none of its 26 labelled keys/);
  });
});
