/**
 * Where the bundled examples live: two small trained `m1_bigger` models with their vocabularies and swipe
 * files (`examples/` of the package, shipped with it): English on the `qwerty` grid and Russian on `default`.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readPriorOptions, type PriorWeights } from '../options/prior-options.js';

/**
 * Absolute path of the package's `examples/` folder. It holds the Russian example: `model.pt` (TorchScript
 * model), `vocab.txt` (its vocabulary), `vocab-everyday.txt` (everyday words to type with), `valid.jsonl` and `valid.ref` (swipes with target words), `test.jsonl`
 * (swipes without) and `MODEL_CARD.md`; the English example is its `en/` folder (see {@link EXAMPLES}). Valid
 * in a clone and in an app that installed neuroswipe.
 */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples', import.meta.url));

/** One bundled example: absolute paths of its files, its keyboard and, for English, its fitted prior. */
export interface Example {
  /** Language of the keyboard and the words: `en` or `ru`. */
  language: 'en' | 'ru';
  /** The example's folder. */
  dir: string;
  /** The grid (in the bundled `gridname_to_grid.json`) the model was trained on. */
  grid: string;
  /** TorchScript model. */
  model: string;
  /** Vocabulary, one word per line: the words the model was trained on. */
  vocab: string;
  /**
   * The word list to type with (the demo's and `serve`'s): for Russian `vocab-everyday.txt`, 165,220 words, a
   * dictionary's lemmas plus the forms everyday text uses plus `vocab` (`scripts/make_vocab_ru.mjs`), which
   * decodes everyday words the 20,000 training words lack (`привет`, `москва`, `я`) at a small cost on the
   * training words (the model card has both lists' numbers); for English the same file as `vocab`.
   */
  everydayVocab: string;
  /** Held-out swipes (separated-grid JSONL) and their words, one per line. */
  valid: string;
  validRef: string;
  /** Model card with the training and the measured results. */
  card: string;
  /**
   * Word frequencies (`word<TAB>count`) for the word-frequency prior, and the prior's decoding options (weight,
   * length term and, where fitted, floor rank: `const { frequency, ...options } = prior`, then
   * `decoding: { generator: 'beam', ...options }`), fitted on held-out swipes whose words are drawn by those
   * frequencies, as typed text is, guarded by swipes of uniformly drawn words; null where the example has no
   * frequencies. The model card gives the measured gain on both kinds of words. Read from the example's
   * `prior.json` (the `fit-prior --out` of that fit) on first use.
   */
  prior: ({ frequency: string } & PriorWeights) | null;
}

const en = join(EXAMPLES_DIR, 'en');
/** `EXAMPLES.en.prior`, read on first use. */
let enPrior: Example['prior'] | undefined;

/**
 * The bundled examples: `EXAMPLES.en` (English, `qwerty` grid, 49,152 words with SUBTLEX-US counts) and
 * `EXAMPLES.ru` (Russian, `default` grid, 20,000 training words; 165,220 everyday words to type with).
 *
 * @example
 * const model = await Model.load(EXAMPLES.en.model);
 * const decoder = await Decoder.create(model, { vocabulary: await Vocabulary.fromFile(EXAMPLES.en.vocab, model) });
 * const { rows } = await decoder.decode(swipes); // rows[i].candidates: [score, word][], best first
 */
export const EXAMPLES: Readonly<{ en: Example; ru: Example }> = Object.freeze({
  en: Object.freeze({
    language: 'en',
    dir: en,
    grid: 'qwerty',
    model: join(en, 'model.pt'),
    vocab: join(en, 'vocab.txt'),
    everydayVocab: join(en, 'vocab.txt'),
    valid: join(en, 'valid.jsonl'),
    validRef: join(en, 'valid.ref'),
    card: join(en, 'MODEL_CARD.md'),
    // Fitted by `neuroswipe fit-prior` on 10,000 frequency-drawn held-out swipes, guarded by 10,000 uniformly
    // drawn ones (examples/en/MODEL_CARD.md, "The word-frequency prior").
    get prior() {
      enPrior ??= Object.freeze({ frequency: join(en, 'frequency.tsv'), ...readPriorOptions(join(en, 'prior.json')) });
      return enPrior;
    },
  }),
  ru: Object.freeze({
    language: 'ru',
    dir: EXAMPLES_DIR,
    grid: 'default',
    model: join(EXAMPLES_DIR, 'model.pt'),
    vocab: join(EXAMPLES_DIR, 'vocab.txt'),
    everydayVocab: join(EXAMPLES_DIR, 'vocab-everyday.txt'),
    valid: join(EXAMPLES_DIR, 'valid.jsonl'),
    validRef: join(EXAMPLES_DIR, 'valid.ref'),
    card: join(EXAMPLES_DIR, 'MODEL_CARD.md'),
    prior: null,
  }),
});
