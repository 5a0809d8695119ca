/**
 * Per-grid vocabulary filtering: a word can be swiped on a grid when each of its letters has an allowed
 * key there (docs/SEED.md §2.3). The hyphen and the apostrophe have no key on any grid and are skipped when
 * tracing, like the seed's segmentation does with the hyphen, so they never disqualify a word.
 */
import type { LetterLayout } from './layout.js';

/** What to do with a word that has a letter without a key on the grid. */
export type MissingLetterPolicy = 'skip' | 'substitute' | 'error';

/** The accepted values of {@link MissingLetterPolicy}. */
export const MISSING_LETTER_POLICIES: readonly MissingLetterPolicy[] = ['skip', 'substitute', 'error'];

/** Substitutions of the seed's cleaning (§1.3), applied by the `substitute` policy when a key is missing. */
export const LETTER_SUBSTITUTES: Readonly<Record<string, string>> = { 'ъ': 'ь', 'ё': 'е' };

/** A vocabulary word with its 1-based line in the vocabulary file. */
export interface VocabWord {
  word: string;
  line: number;
}

/** A word usable on a grid: the target `word` and the `trace` of letters the finger passes over. */
export interface TraceableWord {
  word: string;
  /** the letters to trace, in order (hyphens removed, substitutions applied) */
  trace: string;
}

/** A word left out, with the first letter that has no key. */
export interface SkippedWord extends VocabWord {
  letter: string;
}

/** Outcome of {@link filterVocabForGrid}. */
export interface VocabFilterResult {
  words: TraceableWord[];
  skipped: SkippedWord[];
  /** number of kept words whose trace uses a substitution */
  substituted: number;
}

/**
 * Keeps the words that can be traced on `layout`.
 * - `skip` (default): words with a letter that has no key are left out and listed in `skipped`;
 * - `substitute`: a missing `ъ`/`ё` is traced as `ь`/`е` (seed cleaning); other missing letters skip;
 * - `error`: the first word with a missing letter throws.
 * @param file - vocabulary file name, used in error messages
 * @throws Error naming the file, line and letter under the `error` policy
 */
export function filterVocabForGrid(words: readonly VocabWord[], layout: LetterLayout, policy: MissingLetterPolicy = 'skip', file = '(vocabulary)'): VocabFilterResult {
  const out: TraceableWord[] = [];
  const skipped: SkippedWord[] = [];
  let substituted = 0;
  for (const w of words) {
    let trace = '';
    let missing: string | null = null;
    let usedSubstitute = false;
    for (const ch of w.word) {
      if (ch === '-' || ch === "'") continue;
      if (layout.keys.has(ch)) {
        trace += ch;
        continue;
      }
      const sub = LETTER_SUBSTITUTES[ch];
      if (policy === 'substitute' && sub !== undefined && layout.keys.has(sub)) {
        trace += sub;
        usedSubstitute = true;
        continue;
      }
      missing = ch;
      break;
    }
    if (missing === null && trace.length === 0) missing = '-';
    if (missing !== null) {
      if (policy === 'error') {
        throw new Error(`${file}:${w.line}: word ${JSON.stringify(w.word)}: letter ${JSON.stringify(missing)} has no key on grid ${JSON.stringify(layout.gridName)}`);
      }
      skipped.push({ ...w, letter: missing });
      continue;
    }
    if (usedSubstitute) substituted++;
    out.push({ word: w.word, trace });
  }
  return { words: out, skipped, substituted };
}
