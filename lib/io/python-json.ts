/**
 * JSON parsing and printing that reproduce Python's `json` module byte for byte: object member order
 * is kept (including integer-like keys), integers keep their digits, floats print as Python's `repr`,
 * and strings are escaped as `json.dumps(..., ensure_ascii=False)` does.
 */

/** A JSON number as Python would print it after `json.loads`. */
export class PyNumber {
  /** Python's text for the number (`int` digits or float `repr`). */
  readonly repr: string;
  /** @param repr - Python's printed form */
  constructor(repr: string) {
    this.repr = repr;
  }
}

/** A parsed JSON value: objects are ordered `Map`s, numbers are {@link PyNumber}s. */
export type PyValue = null | boolean | string | PyNumber | PyValue[] | Map<string, PyValue>;

/** Python `repr` of a double (`1.0`, `1e-05`, `1e+16`, `inf` printed by json as `Infinity`). */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const sign = v < 0 ? '-' : '';
  const [mant = '', expText] = Math.abs(v).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
      const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

/** Python `json.dumps(s, ensure_ascii=False)` of a string. */
export function pyString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      default: out += `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return out + s.slice(start) + '"';
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

/** Parser state over one text. */
class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }

  ws(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  value(): PyValue {
    this.ws();
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [lit, val] of [['null', null], ['true', true], ['false', false]] as const) {
      if (t.startsWith(lit, this.pos)) {
        this.pos += lit.length;
        return val;
      }
    }
    for (const lit of ['NaN', 'Infinity', '-Infinity']) {
      if (t.startsWith(lit, this.pos)) {
        this.pos += lit.length;
        return new PyNumber(lit);
      }
    }
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(t);
    if (m === null) this.fail(c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) return new PyNumber(m[0] === '-0' ? '0' : m[0]);
    return new PyNumber(pyFloatRepr(Number(m[0])));
  }

  object(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      out.set(key, this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  array(): PyValue[] {
    const out: PyValue[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const t = this.text;
    let i = ++this.pos;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail('unterminated string');
      }
      if (c === 0x22) {
        out += t.slice(this.pos, i);
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail('invalid control character in string');
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += t.slice(this.pos, i);
      const e = t[i + 1];
      if (e !== undefined && Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
        out += SIMPLE_ESCAPES[e];
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        this.pos = i;
        this.fail('invalid escape');
      }
      this.pos = i;
    }
  }
}

/**
 * Parses JSON text as Python's `json.loads` (also accepting its `NaN`/`Infinity` literals).
 * @throws SyntaxError with the position of the problem
 */
export function parsePyJson(text: string): PyValue {
  const p = new Parser(text);
  const v = p.value();
  p.ws();
  if (p.pos !== text.length) p.fail('extra data');
  return v;
}

/** Python `json.dumps(v, ensure_ascii=False, separators=(',', ':'))`. */
export function dumpPyCompact(v: PyValue): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return pyString(v);
  if (v instanceof PyNumber) return v.repr;
  if (Array.isArray(v)) return `[${v.map(dumpPyCompact).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${pyString(k)}:${dumpPyCompact(x)}`);
  return `{${parts.join(',')}}`;
}

/** Python `json.dumps(v, ensure_ascii=False, indent=indent)` (separators `,` and `: `, no final newline). */
export function dumpPyIndented(v: PyValue, indent = 2, level = 0): string {
  if (v === null || typeof v !== 'object' || v instanceof PyNumber) return dumpPyCompact(v);
  const inner = '\n' + ' '.repeat(indent * (level + 1));
  const close = '\n' + ' '.repeat(indent * level);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${inner}${v.map((x) => dumpPyIndented(x, indent, level + 1)).join(`,${inner}`)}${close}]`;
  }
  if (v.size === 0) return '{}';
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${pyString(k)}: ${dumpPyIndented(x, indent, level + 1)}`);
  return `{${inner}${parts.join(`,${inner}`)}${close}}`;
}
