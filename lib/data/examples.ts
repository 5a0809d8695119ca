/**
 * Where the bundled example lives: a small trained `m1_bigger` model, its vocabulary and swipe files
 * (`examples/` of the package, shipped with it).
 */
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the package's `examples/` folder: `model.pt` (TorchScript model), `vocab.txt` (its
 * vocabulary), `valid.jsonl` and `valid.ref` (swipes with target words), `test.jsonl` (swipes without) and
 * `MODEL_CARD.md`. Valid in a clone and in an app that installed neuroswipe.
 */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples', import.meta.url));
