/**
 * The generation vocabulary: words allowed as outputs when decoding with `useVocab`, held by the native
 * addon as a trie over token ids (docs/SEED.md §6.2). Built once, shared by any number of decodes.
 */
import { native, NativeHandle, type NativeVocabTrie } from './native.js';
import { blankLinesNote, readWordList, splitLines, type WordList } from './io/word-list.js';
import { at } from './util/checked.js';
import { CharTokenizer } from './tokenizer.js';
import { withJsStack, type Model } from './model/model.js';
import { describeValue } from './util/checked.js';

export type { NativeVocabTrie };

export { splitLines };

/**
 * Reads a vocabulary file (one word per line; blank lines skipped, see lib/io/word-list.ts).
 * @throws Error naming the file when it cannot be read or holds no word
 */
export function readVocabularyFile(path: string): string[] {
  return readWordList(path).words;
}

/** The words of a list that a decoder can emit, and what was left out. */
export interface FittedWords {
  /** The words of at most `maxLength` characters, in file order. */
  words: string[];
  /** Their 1-based file lines. */
  lines: number[];
  /** Words left out because they are longer than the decoder can generate. */
  tooLong: number;
}

/**
 * Leaves out the words a decoder cannot generate whole: more than `maxLength` characters (a decoder of
 * `maxSteps` tokens emits words of at most `maxSteps − 1` characters, `<eos>` being the last token). Such
 * words are skipped and counted, never cut: a cut word would be a non-word the search could emit.
 * @param list - the vocabulary (see lib/io/word-list.ts)
 * @param maxLength - the longest word kept, in characters (code points)
 */
export function fitWordList(list: WordList, maxLength: number): FittedWords {
  const words: string[] = [];
  const lines: number[] = [];
  let tooLong = 0;
  list.words.forEach((w, i) => {
    let n = 0;
    for (const _ of w) n += 1;
    if (n > maxLength) tooLong += 1;
    else {
      words.push(w);
      lines.push(list.lines[i] ?? i + 1);
    }
  });
  return { words, lines, tooLong };
}

/**
 * Reads a word list and fits it to a decoder that emits words of at most `maxLength` characters (see
 * {@link fitWordList}): what `decode`, `serve` and `predict` do with a vocabulary file.
 * @param onNote - receives a line about blank lines and about the words left out, when there are any
 * @throws Error naming the file when it cannot be read or holds no word
 */
export function readFittedWordList(path: string, maxLength: number, onNote: (line: string) => void = () => undefined): FittedWords {
  const list = readWordList(path);
  const fitted = fitWordList(list, maxLength);
  const blank = blankLinesNote(list);
  if (blank !== null) onNote(blank);
  if (fitted.tooLong > 0) {
    onNote(`${path}: skipped ${fitted.tooLong} word${fitted.tooLong === 1 ? '' : 's'} longer than ${maxLength} characters (the decoder generates at most ${maxLength + 1} tokens, <eos> included)`);
  }
  return fitted;
}

/**
 * A vocabulary trie ready for decoding. Build it with {@link Vocabulary.fromFile} (a word file and the
 * model whose tokens it is spelled in) or {@link Vocabulary.build}; free it with {@link Vocabulary.dispose}
 * or `await using`.
 */
export class Vocabulary {
  /** Number of words (duplicates included). */
  readonly size: number;
  /** Where the words came from: the file of {@link Vocabulary.fromFile}, or the `source` given to {@link Vocabulary.build}. */
  readonly source: string;
  private readonly handle: NativeHandle<NativeVocabTrie>;

  private constructor(trie: NativeVocabTrie, size: number, source: string) {
    this.handle = new NativeHandle(trie, 'Vocabulary: the vocabulary has been disposed');
    this.size = size;
    this.source = source;
  }

  /**
   * The native trie.
   * @throws Error once the vocabulary has been disposed
   */
  get trie(): NativeVocabTrie {
    return this.handle.get();
  }

  /** Whether {@link Vocabulary.dispose} has been called. */
  get disposed(): boolean {
    return this.handle.disposed;
  }

  /**
   * Reads a vocabulary file (one word per line, see {@link readVocabularyFile}) and builds its trie in the
   * token ids of `model` (the `char_tokens` of its metadata, which stay readable after the model is disposed).
   * @param fit - with `maxLength`, the words longer than it are left out (as the `decode` and `serve` commands fit their word lists), and
   *   `onNote` hears about them
   * @throws Error naming the file when it cannot be read or is empty, or naming the line, the word and the
   *   character the model's tokenizer lacks
   */
  static async fromFile(path: string, model: Model, fit: { maxLength?: number; onNote?: (line: string) => void } = {}): Promise<Vocabulary> {
    const tokenizer = CharTokenizer.fromTokens([...model.metadata.char_tokens]);
    if (fit.maxLength === undefined) return Vocabulary.build(readVocabularyFile(path), tokenizer, path);
    const fitted = readFittedWordList(path, fit.maxLength, fit.onNote);
    return Vocabulary.build(fitted.words, tokenizer, path, fitted.lines);
  }

  /**
   * Builds the trie of `words` in the model's token ids.
   * @param source - where the words came from (a file name), for error messages
   * @param lines - the 1-based file line of each word (default: its position + 1)
   * @throws TypeError naming the argument when `words` is not an array of strings or `tokenizer` not a
   *   CharTokenizer; Error for an empty vocabulary or an empty word (naming its line), or naming the word,
   *   its line and the character the tokenizer lacks
   */
  static async build(words: readonly string[], tokenizer: CharTokenizer, source = '(vocabulary)', lines?: readonly number[]): Promise<Vocabulary> {
    const given: unknown = words;
    if (!Array.isArray(given)) throw new TypeError(`words: expected an array of strings, got ${describeValue(given)}`);
    if (!(tokenizer instanceof CharTokenizer)) throw new TypeError(`tokenizer: expected a CharTokenizer, got ${describeValue(tokenizer)}`);
    if (words.length === 0) throw new Error(`${source}: the vocabulary is empty`);
    for (const [w, word] of (given as unknown[]).entries()) {
      if (typeof word !== 'string') throw new TypeError(`words[${w}]: expected a string, got ${describeValue(word)}`);
      // An empty word would make the empty string a candidate (<eos> right after <sos>).
      if (word === '') throw new Error(`${source}: line ${lines?.[w] ?? w + 1}: empty word (a vocabulary word has at least one character)`);
    }
    // Token id of every BMP code unit (−1 = not a token); characters outside the BMP go through the map.
    const table = new Int16Array(65536).fill(-1);
    const specials = new Set([tokenizer.sosId, tokenizer.eosId, tokenizer.padId, tokenizer.unkId]);
    tokenizer.tokens.forEach((t, id) => {
      if (t.length === 1 && !specials.has(id)) table[t.charCodeAt(0)] = id;
    });
    let total = 0;
    for (const w of words) total += w.length;
    const ids = new Int32Array(total);
    const offsets = new Int32Array(words.length + 1);
    let n = 0;
    for (const [w, word] of words.entries()) {
      for (let c = 0; c < word.length; c++) {
        const id = at(table, word.charCodeAt(c));
        if (id < 0) {
          const cp = word.codePointAt(c) ?? 0;
          const ch = String.fromCodePoint(cp);
          throw new Error(`${source}: line ${lines?.[w] ?? w + 1}: word ${JSON.stringify(word)} has the character ${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')}), which the model's tokenizer lacks`);
        }
        ids[n++] = id;
      }
      offsets[w + 1] = n;
    }
    const trie = await withJsStack('Vocabulary.build', () =>
      native().VocabTrie.build(ids, offsets, tokenizer.eosId),
    );
    return new Vocabulary(trie, words.length, source);
  }

  /** Token ids allowed after `<sos>` + `prefix` (empty when no word starts so). */
  allowedAfter(prefix: readonly number[]): number[] {
    return this.trie.allowedAfter(Int32Array.from(prefix));
  }

  /**
   * Frees the trie. Decodes already running finish normally (they hold their own reference); later use
   * (a new {@link Decoder} or decode with it, {@link Vocabulary.allowedAfter}) throws. Calling it again
   * does nothing.
   */
  dispose(): void {
    this.handle.dispose();
  }

  /** Same as {@link Vocabulary.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }
}
