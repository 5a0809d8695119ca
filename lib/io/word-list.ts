/**
 * The one reader of word-per-line files (vocabularies). Every command reads its vocabulary here, with one
 * policy: lines are split as Python's `str.splitlines()` splits them (the seed reads `voc.txt` so); a blank
 * line (empty or only white space) is no word: it is skipped and counted; a file without any word is
 * refused, naming the file.
 */
import { readFileSync } from 'node:fs';

/** A word list read from a file. */
export interface WordList {
  /** The file (or the name given for text). */
  readonly source: string;
  /** The words in file order (duplicates kept), each a whole line as written. */
  readonly words: string[];
  /** 1-based line number of each word. */
  readonly lines: number[];
  /** Blank lines skipped. */
  readonly blankLines: number;
}

/** Line boundaries recognised by Python's `str.splitlines()`. */
// eslint-disable-next-line no-control-regex -- Python's str.splitlines() separators include these control characters
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/**
 * Splits text into lines like Python's `str.splitlines()`: on `\n`, `\r\n`, `\r` and the other Unicode
 * line boundaries; a final boundary gives no trailing empty line. Blank lines are kept (see
 * {@link parseWordList} for the vocabulary policy).
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(PY_LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Words of a word-per-line text: blank lines skipped and counted.
 * @param text - the file's content
 * @param source - the file name, for messages
 * @throws Error naming `source` when it holds no word
 */
export function parseWordList(text: string, source: string): WordList {
  const words: string[] = [];
  const lines: number[] = [];
  let blankLines = 0;
  splitLines(text).forEach((line, i) => {
    if (line.trim() === '') blankLines += 1;
    else {
      words.push(line);
      lines.push(i + 1);
    }
  });
  if (words.length === 0) {
    const what = blankLines > 0 ? `all ${blankLines} line${blankLines === 1 ? ' is' : 's are'} blank` : 'the file has no line';
    throw new Error(`${source}: vocabulary is empty: ${what} (the vocabulary is empty when it has no word)`);
  }
  return { source, words, lines, blankLines };
}

/**
 * Reads a word-per-line file (see {@link parseWordList}).
 * @throws Error naming the file when it cannot be read or holds no word
 */
export function readWordList(path: string): WordList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read vocabulary: ${(err as Error).message}`, { cause: err });
  }
  return parseWordList(text, path);
}

/** `"skipped N blank lines"` for a list that had some, else null (for the CLI's notes). */
export function blankLinesNote(list: WordList): string | null {
  const n = list.blankLines;
  return n === 0 ? null : `${list.source}: skipped ${n} blank line${n === 1 ? '' : 's'}`;
}
