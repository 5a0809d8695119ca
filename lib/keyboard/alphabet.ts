/**
 * The seed's list of nearest-key candidates and keyboard-token labels.
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
