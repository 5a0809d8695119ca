/**
 * The letters a grid's keys can stand for: the seed's Cyrillic list for the Russian grids, a–z for a Latin
 * (English) grid. They are the allowed keys of the nearest-key lookup and the letter tokens of the keyboard
 * tokenizer; `gridAlphabet` (lib/keyboard/grid.ts) chooses one for a grid.
 */

/**
 * The seed's `ALL_CYRILLIC_LETTERS_ALPHABET_ORD`: 33 letters in alphabet order, except that the 7th
 * element is U+00EB (Latin small e with diaeresis, `ë`) instead of Cyrillic `ё` (U+0451). This mix-up is
 * reproduced on purpose: the `extra` grid's Cyrillic `ё` key is therefore never an allowed key, and the
 * `ë` distance column is always missing.
 */
export const SEED_CYRILLIC_ALPHABET: readonly string[] = Object.freeze([
  'а', 'б', 'в', 'г', 'д', 'е', '\u00eb', 'ж', 'з', 'и', 'й', 'к', 'л', 'м', 'н', 'о', 'п',
  'р', 'с', 'т', 'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'ъ', 'ы', 'ь', 'э', 'ю', 'я',
]);

/** The 26 Latin letters a–z, the letters of an English (QWERTY) grid. */
export const LATIN_ALPHABET: readonly string[] = Object.freeze(Array.from('abcdefghijklmnopqrstuvwxyz'));
