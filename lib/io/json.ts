/**
 * The one reader of JSON input (data lines, prediction lines, configs, grids, aggregation states, serve
 * request bodies): `JSON.parse` behind a nesting limit. V8 parses deep nesting without trouble, but every
 * later walk of the value (validation, `JSON.stringify`, a copy) recurses and overflows the stack; a
 * document nested deeper than {@link MAX_JSON_DEPTH} is refused before it is parsed, naming the line and
 * the field where the limit is crossed.
 */

/** Most nested arrays and objects in one JSON input. No input of neuroswipe comes near (a grid file has 4). */
export const MAX_JSON_DEPTH = 64;

/** JSON nested deeper than the limit: where (1-based line of the text, field path) and how deep. */
export class JsonDepthError extends Error {
  /** 1-based line of the text where the limit is crossed. */
  readonly line: number;
  /** Field path to the container that crosses the limit (`curve.x[0][0]…`), `(root)` at the top. */
  readonly field: string;
  /** The limit. */
  readonly maxDepth: number;
  /** The problem, without the location. */
  readonly problem: string;

  constructor(line: number, field: string, maxDepth: number) {
    const problem = `JSON nested deeper than ${maxDepth} levels (arrays and objects inside one another)`;
    super(`${field}: ${problem}`);
    this.name = 'JsonDepthError';
    this.line = line;
    this.field = field;
    this.maxDepth = maxDepth;
    this.problem = problem;
  }
}

interface Frame {
  object: boolean;
  key: string | null;
  index: number;
  expectKey: boolean;
}

/** Shown segments of a field path; deeper ones are elided. */
const PATH_SEGMENTS = 6;

function pathOf(stack: readonly Frame[]): string {
  let out = '';
  let shown = 0;
  for (const f of stack) {
    if (shown === PATH_SEGMENTS) return `${out}…`;
    if (f.object) {
      if (f.key === null) break;
      out += /^[A-Za-z_$][\w$]*$/.test(f.key) ? `${out === '' ? '' : '.'}${f.key}` : `[${JSON.stringify(f.key)}]`;
    } else {
      out += `[${f.index}]`;
    }
    shown++;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Checks the nesting of JSON text without parsing it (strings are skipped; malformed text is left to
 * `JSON.parse`).
 * @throws JsonDepthError when arrays and objects nest deeper than `maxDepth`
 */
export function checkJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: Frame[] = [];
  let line = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x0a: // \n
        line++;
        break;
      case 0x22: {
        // a string: to its closing quote
        const start = i;
        i++;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x5c) i += 2;
          else if (d === 0x22) break;
          else i++;
        }
        const top = stack[stack.length - 1];
        if (top !== undefined && top.object && top.expectKey) {
          try {
            top.key = JSON.parse(text.slice(start, i + 1)) as string;
          } catch {
            top.key = text.slice(start + 1, i);
          }
          top.expectKey = false;
        }
        break;
      }
      case 0x5b: // [
      case 0x7b: // {
        if (stack.length >= maxDepth) throw new JsonDepthError(line, pathOf(stack), maxDepth);
        stack.push({ object: c === 0x7b, key: null, index: 0, expectKey: c === 0x7b });
        break;
      case 0x5d: // ]
      case 0x7d: // }
        stack.pop();
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1];
        if (top !== undefined) {
          if (top.object) top.expectKey = true;
          else top.index++;
        }
        break;
      }
      default:
        break;
    }
  }
}

/**
 * `JSON.parse` with the nesting limit.
 * @throws JsonDepthError when the text nests deeper than `maxDepth`; SyntaxError for text that is not JSON
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  checkJsonDepth(text, maxDepth);
  return JSON.parse(text) as unknown;
}

/**
 * {@link parseJson} for a whole file, every failure one message naming the file, the line and the field:
 * `c.json:3: prediction_config.x[0][0]…: JSON nested deeper than 64 levels`, `c.json: invalid JSON: …`.
 * @param text - the file's content
 * @param path - the file, for messages
 * @throws Error naming the file
 */
export function parseJsonFile(text: string, path: string, maxDepth = MAX_JSON_DEPTH): unknown {
  try {
    return parseJson(text, maxDepth);
  } catch (err) {
    if (err instanceof JsonDepthError) throw new Error(`${path}:${err.line}: ${err.message}`, { cause: err });
    throw new Error(`${path}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}
