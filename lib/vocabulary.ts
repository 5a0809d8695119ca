/**
 * The generation vocabulary: words allowed as outputs when decoding with `useVocab`, held by the native
 * addon as a trie over token ids (docs/SEED.md §6.2). Built once, shared by any number of decodes.
 */
import { readFileSync } from 'node:fs';
import { native, type NativeVocabTrie } from './native.js';
import { CharTokenizer } from './tokenizer.js';
import { withJsStack, type Model } from './model/model.js';

export type { NativeVocabTrie };

/**
 * Splits text into lines like Python's `str.splitlines()` (the seed reads `voc.txt` this way): on `\n`,
 * `\r\n`, `\r` and the other Unicode line boundaries; no trailing empty item.
 */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Reads a vocabulary file (one word per line).
 * @throws Error naming the file when it cannot be read or holds no word
 */
export function readVocabularyFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read vocabulary: ${(err as Error).message}`);
  }
  const words = splitLines(text);
  if (words.length === 0) throw new Error(`${path}: the vocabulary is empty`);
  return words;
}

/**
 * A vocabulary trie ready for decoding. Build it with {@link Vocabulary.fromFile} (a word file and the
 * model whose tokens it is spelled in) or {@link Vocabulary.build}; free it with {@link Vocabulary.dispose}
 * or `await using`.
 */
export class Vocabulary {
  /** Number of words (duplicates included). */
  readonly size: number;
  private handle: NativeVocabTrie | undefined;

  private constructor(trie: NativeVocabTrie, size: number) {
    this.handle = trie;
    this.size = size;
  }

  /**
   * The native trie.
   * @throws Error once the vocabulary has been disposed
   */
  get trie(): NativeVocabTrie {
    if (!this.handle) throw new Error('Vocabulary: the vocabulary has been disposed');
    return this.handle;
  }

  /** Whether {@link Vocabulary.dispose} has been called. */
  get disposed(): boolean {
    return this.handle === undefined;
  }

  /**
   * Reads a vocabulary file (one word per line, see {@link readVocabularyFile}) and builds its trie in the
   * token ids of `model` (the `char_tokens` of its metadata, which stay readable after the model is disposed).
   * @throws Error naming the file when it cannot be read or is empty, or naming the line, the word and the
   *   character the model's tokenizer lacks
   */
  static async fromFile(path: string, model: Model): Promise<Vocabulary> {
    const tokenizer = CharTokenizer.fromTokens([...model.metadata.char_tokens]);
    return Vocabulary.build(readVocabularyFile(path), tokenizer, path);
  }

  /**
   * Builds the trie of `words` in the model's token ids.
   * @param source - where the words came from (a file name), for error messages
   * @throws Error for an empty vocabulary, or naming the word, its line and the character the tokenizer lacks
   */
  static async build(words: readonly string[], tokenizer: CharTokenizer, source = '(vocabulary)'): Promise<Vocabulary> {
    if (words.length === 0) throw new Error(`${source}: the vocabulary is empty`);
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
    let at = 0;
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      for (let c = 0; c < word.length; c++) {
        const id = table[word.charCodeAt(c)];
        if (id < 0) {
          const ch = String.fromCodePoint(word.codePointAt(c)!);
          throw new Error(`${source}: line ${w + 1}: word ${JSON.stringify(word)} has the character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}), which the model's tokenizer lacks`);
        }
        ids[at++] = id;
      }
      offsets[w + 1] = at;
    }
    const trie = await withJsStack('Vocabulary.build', () =>
      native().VocabTrie.build(ids, offsets, tokenizer.eosId),
    );
    return new Vocabulary(trie, words.length);
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
    this.handle?.dispose();
    this.handle = undefined;
  }

  /** Same as {@link Vocabulary.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }
}
