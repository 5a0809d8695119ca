/**
 * The generation vocabulary: words allowed as outputs when decoding with `useVocab`, held by the native
 * addon as a trie over token ids (SEED-SPEC §6.2). Built once, shared by any number of decodes.
 */
import { readFileSync } from 'node:fs';
import { native } from './native.js';
import type { CharTokenizer } from './tokenizer.js';
import { withJsStack } from './model/model.js';

/** The raw native trie (see native/binding/vocab_trie_binding.h). */
export interface NativeVocabTrie {
  readonly nodeCount: number;
  readonly wordCount: number;
  readonly memoryBytes: number;
  allowedAfter(prefix: Int32Array): number[];
}

/**
 * Splits text into lines like Python's `str.splitlines()` (the seed reads `voc.txt` this way): on `\n`,
 * `\r\n`, `\r` and the other Unicode line boundaries; no trailing empty item.
 */
export function splitLines(text: string): string[] {
// eslint-disable-next-line no-control-regex -- Python's str.splitlines() separators include these control characters
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
    throw new Error(`${path}: cannot read vocabulary: ${(err as Error).message}`, { cause: err });
  }
  const words = splitLines(text);
  if (words.length === 0) throw new Error(`${path}: the vocabulary is empty`);
  return words;
}

/** A vocabulary trie ready for decoding. */
export class Vocabulary {
  /** Number of words (duplicates included). */
  readonly size: number;
  /** The native trie. */
  readonly trie: NativeVocabTrie;

  private constructor(trie: NativeVocabTrie, size: number) {
    this.trie = trie;
    this.size = size;
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
      (native().VocabTrie as { build(ids: Int32Array, offsets: Int32Array, eos: number): Promise<NativeVocabTrie> }).build(ids, offsets, tokenizer.eosId),
    );
    return new Vocabulary(trie, words.length);
  }

  /** Token ids allowed after `<sos>` + `prefix` (empty when no word starts so). */
  allowedAfter(prefix: readonly number[]): number[] {
    return this.trie.allowedAfter(Int32Array.from(prefix));
  }
}
