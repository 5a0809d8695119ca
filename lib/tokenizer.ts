/**
 * The seed's tokenizers: the character tokenizer of the decoder (`CharLevelTokenizerv2`) and the
 * keyboard tokenizer of the nearest-key features (`KeyboardTokenizerv1`).
 */
import { readFileSync } from 'node:fs';
import { SEED_CYRILLIC_ALPHABET } from './keyboard/alphabet.js';

/** Letter slots of the keyboard tokenizer (ids 0…32): the seed's 33 Cyrillic letters fill them all. */
export const KEYBOARD_LETTER_SLOTS = 33;
import { compareCodePoints } from './util/code-points.js';

/** Special tokens of the character tokenizer, in the order they follow the characters. */
export const CHAR_SPECIAL_TOKENS: readonly string[] = Object.freeze(['<eos>', '<unk>', '<pad>', '<sos>']);


/**
 * Character-level tokenizer. Ids: the vocabulary's distinct characters sorted by code point, then
 * `<eos>`, `<unk>`, `<pad>`, `<sos>` (37 tokens with the competition `voc.txt`: `-` = 0, `а` = 1 … `я` = 32,
 * `<eos>` = 33, `<unk>` = 34, `<pad>` = 35, `<sos>` = 36).
 */
export class CharTokenizer {
  /** Token strings by id. */
  readonly tokens: readonly string[];
  /** Id of `<sos>`. */
  readonly sosId: number;
  /** Id of `<eos>`. */
  readonly eosId: number;
  /** Id of `<pad>`. */
  readonly padId: number;
  /** Id of `<unk>`. */
  readonly unkId: number;
  /**
   * Longest vocabulary word plus 2 (room for `<sos>` and `<eos>`): 36 with the competition `voc.txt`.
   * `undefined` when the tokenizer was built from a token list without a maximum length.
   */
  readonly maxWordLen: number | undefined;
  private readonly ids: Map<string, number>;

  private constructor(tokens: string[], maxWordLen: number | undefined, source: string) {
    const ids = new Map<string, number>();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0) throw new Error(`${source}: token ${i}: expected a non-empty string, got ${JSON.stringify(t)}`);
      if (ids.has(t)) throw new Error(`${source}: token ${i}: ${JSON.stringify(t)} occurs twice`);
      ids.set(t, i);
    });
    const special = (name: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new Error(`${source}: the token list has no ${name}`);
      return id;
    };
    this.tokens = Object.freeze(tokens.slice());
    this.ids = ids;
    this.eosId = special('<eos>');
    this.unkId = special('<unk>');
    this.padId = special('<pad>');
    this.sosId = special('<sos>');
    this.maxWordLen = maxWordLen;
  }

  /**
   * Builds the tokenizer from a vocabulary file exactly as the seed: the whole text is split on `"\n"`,
   * every character of every item (code point) is a token.
   * @throws Error naming the file when it cannot be read
   */
  static fromVocabFile(path: string): CharTokenizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`${path}: cannot read the vocabulary: ${(err as Error).message}`, { cause: err });
    }
    return CharTokenizer.fromVocabText(text, path);
  }

  /**
   * Builds the tokenizer from the text of a vocabulary file (see {@link fromVocabFile}).
   * @param source - name used in error messages
   */
  static fromVocabText(text: string, source = '(vocabulary)'): CharTokenizer {
    const chars = new Set<string>();
    let maxLen = 0;
    for (const word of text.split('\n')) {
      let n = 0;
      for (const ch of word) {
        chars.add(ch);
        n++;
      }
      if (n + 2 > maxLen) maxLen = n + 2;
    }
    const sorted = [...chars].sort(compareCodePoints);
    return new CharTokenizer([...sorted, ...CHAR_SPECIAL_TOKENS], maxLen, source);
  }

  /**
   * Builds the tokenizer from an explicit token list (for example a model's `char_tokens` metadata).
   * The list must contain `<eos>`, `<unk>`, `<pad>` and `<sos>`; ids are list positions.
   * @param maxWordLen - optional maximum word length including `<sos>`/`<eos>`
   * @throws Error when a token is empty, repeated, or a special token is missing
   */
  static fromTokens(tokens: string[], maxWordLen?: number): CharTokenizer {
    if (!Array.isArray(tokens)) throw new TypeError('char tokens: expected an array of strings');
    if (maxWordLen !== undefined && (!Number.isInteger(maxWordLen) || maxWordLen < 2)) {
      throw new RangeError(`maxWordLen: expected an integer >= 2, got ${maxWordLen}`);
    }
    return new CharTokenizer(tokens, maxWordLen, 'char tokens');
  }

  /** Number of tokens. */
  get size(): number {
    return this.tokens.length;
  }

  /** Id of a single token string, or `<unk>` when unknown. */
  tokenId(token: string): number {
    return this.ids.get(token) ?? this.unkId;
  }

  /** `[<sos>, id(c1) … id(cn), <eos>]`, unknown characters mapped to `<unk>`. */
  encode(word: string): number[] {
    const out = [this.sosId];
    for (const ch of word) out.push(this.ids.get(ch) ?? this.unkId);
    out.push(this.eosId);
    return out;
  }

  /**
   * Concatenation of the token strings (special tokens decode to their literal text, e.g. `<eos>`).
   * @throws RangeError for an id outside the token list
   */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const token = id === undefined || !Number.isInteger(id) ? undefined : this.tokens[id];
      if (token === undefined) throw new RangeError(`decode: ids[${i}]: no token with id ${id}`);
      s += token;
    }
    return s;
  }
}

/**
 * Keyboard tokenizer: a letter alphabet in 33 slots (ids 0…32), then `-`, `<unk>`, `<pad>` (36 tokens).
 * Nearest-key features are these ids. The default alphabet is the seed's (with its Latin `ë` at id 6); a
 * shorter alphabet, such as a–z of a Latin grid, fills the first slots and the rest hold `<unused-N>`
 * tokens that match no key, so every grid gives the same 36 ids and the same model shapes.
 */
export class KeyboardTokenizer {
  /** Token strings by id. */
  readonly tokens: readonly string[];
  /** Id of `<unk>` (34). */
  readonly unkId = 34;
  /** Id of `<pad>` (35). */
  readonly padId = 35;
  private readonly ids: Map<string, number>;

  /**
   * @param alphabet - the letters, at most 33, distinct (default: the seed's Cyrillic alphabet)
   * @throws RangeError for more than 33 letters, TypeError for an empty or repeated letter
   */
  constructor(alphabet: readonly string[] = SEED_CYRILLIC_ALPHABET) {
    if (alphabet.length > KEYBOARD_LETTER_SLOTS) throw new RangeError(`keyboard alphabet: at most ${KEYBOARD_LETTER_SLOTS} letters, got ${alphabet.length}`);
    const letters = [...alphabet];
    for (let i = letters.length; i < KEYBOARD_LETTER_SLOTS; i++) letters.push(`<unused-${i}>`);
    this.tokens = Object.freeze([...letters, '-', '<unk>', '<pad>']);
    this.ids = new Map(this.tokens.map((t, i) => [t, i]));
    if (this.ids.size !== this.tokens.length) throw new TypeError(`keyboard alphabet: letters must be distinct, got ${JSON.stringify(alphabet)}`);
  }

  /** Number of tokens (36). */
  get size(): number {
    return this.tokens.length;
  }

  /** Id of a key label, or `<unk>` (34) when unknown (seed `get_token`). */
  getToken(label: string): number {
    return this.ids.get(label) ?? this.unkId;
  }

  /**
   * Token string of an id.
   * @throws RangeError for an id outside the token list
   */
  getLabel(id: number): string {
    const token = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (token === undefined) throw new RangeError(`keyboard token id ${id} out of range`);
    return token;
  }
}

/**
 * Column labels of the distances/weights features for a letter alphabet: its keyboard tokens plus
 * `<extra_token>` (37 columns for every alphabet).
 */
export function distanceColumns(alphabet: readonly string[] = SEED_CYRILLIC_ALPHABET): readonly string[] {
  return Object.freeze([...new KeyboardTokenizer(alphabet).tokens, '<extra_token>']);
}

/** Column labels of the seed's distances/weights features: keyboard tokens plus `<extra_token>` (37). */
export const DISTANCE_COLUMNS: readonly string[] = distanceColumns();
