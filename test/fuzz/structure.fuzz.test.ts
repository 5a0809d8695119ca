/**
 * Structure fuzzer of the input readers: the swipe reader, the config reader, the word-frequency reader and
 * the serve request parser get documents of hostile structure (nesting up to thousands of levels, every
 * JSON type where another is expected, long arrays and strings, NaN / Infinity / 1e999 / -0, lone
 * surrogates, BOMs and other Unicode) and must either succeed with a sound result or fail with their
 * documented error: one message naming the file (and line and field), or the request field; never a
 * TypeError from inside, a stack overflow, or a non-finite number passed on. Seeded and time-bounded
 * (a few seconds per reader), so it runs in the normal suite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSwipeLine } from '../../lib/data/swipe-line.js';
import { loadPredictionConfig } from '../../lib/config/load.js';
import { WordPrior, readFrequencyTable } from '../../lib/decode/prior.js';
import { BadLineError } from '../../lib/io/bad-line.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { GridRegistry, RequestError, parseRequestBody } from '../../lib/serve/request.js';

const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-structure-fuzz-'));
const INTERNAL = /Cannot read propert|is not a function|is not iterable|undefined \(reading|Maximum call stack|Invalid array length|\[object Object\]/;
/** Each reader's budget: runs stop at whichever comes first. */
const RUNS = { numRuns: 4000, interruptAfterTimeLimit: 4000, seed: 30 } as const;

/** Hostile leaves: numbers JSON cannot hold (as text), odd strings, every type. */
const leafText = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '-0', '0.0', '1e-400', '32768', '-32769', '1.5', '9007199254740993', 'null', 'true', 'false', '""', '"\\ud800"', '"\\u0000"', '"\\ufeff"', '{}', '[]'),
  fc.integer({ min: -40000, max: 40000 }).map(String),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : 'NaN')),
  fc.string({ unit: 'binary', maxLength: 8 }).map((s) => JSON.stringify(s)),
);

/** `v` inside `depth` arrays or objects. */
function nest(v: string, depth: number, objects: boolean): string {
  return objects ? `${'{"a":'.repeat(depth)}${v}${'}'.repeat(depth)}` : `${'['.repeat(depth)}${v}${']'.repeat(depth)}`;
}
const nested = fc.tuple(leafText, fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 60, max: 5000 })), fc.boolean()).map(([v, d, o]) => nest(v, d, o));
/** An array of `n` leaves (sizes up to tens of thousands). */
const sized = fc.tuple(leafText, fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 290, max: 310 }), fc.integer({ min: 20000, max: 40000 }))).map(([v, n]) => `[${Array(n).fill(v).join(',')}]`);
const value = fc.oneof({ weight: 3, arbitrary: leafText }, { weight: 2, arbitrary: nested }, { weight: 1, arbitrary: sized }, { weight: 2, arbitrary: fc.array(fc.integer({ min: -100, max: 1200 }), { minLength: 1, maxLength: 12 }).map((a) => JSON.stringify(a)) });
const gridName = fc.oneof(fc.constant('"default"'), fc.constant('"extra"'), leafText);
/** A swipe object's text: each member present or not, each a hostile value or a sound one. */
const swipeText = fc.record({ x: value, y: value, t: value, grid_name: gridName, word: fc.oneof(leafText, fc.constant('"дом"')) }, { requiredKeys: [] }).map((o) =>
  `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`,
);

describe('structure fuzz: each reader fails only with its documented error', () => {
  it('swipe reader (a data line): a record or a BadLineError naming file, line and field', () => {
    const line = fc.oneof(swipeText.map((c) => `{"word":"дом","curve":${c}}`), nested, fc.string({ unit: 'binary' }));
    fc.assert(fc.property(line, (text) => {
      try {
        const r = parseSwipeLine(text, 'f.jsonl', 6);
        expect(r.x.length).toBe(r.y.length);
        expect(r.x.length).toBeGreaterThan(0);
        for (const a of [r.x, r.y, r.t]) expect(a).toBeInstanceOf(Int16Array);
      } catch (err) {
        expect(err).toBeInstanceOf(BadLineError);
        const e = err as BadLineError;
        expect(e.message.startsWith(`f.jsonl:7: ${e.field}: `)).toBe(true);
        expect(e.message).not.toMatch(INTERNAL);
      }
    }), RUNS);
  });

  it('config reader: a plan or an Error that starts with the file', () => {
    const member = fc.constantFrom('model_params', 'generator', 'generator_call_kwargs', 'data_split', 'out_path', 'models_root', 'n_classes', 'transform_name', 'use_vocab_for_generation', 'voc_path', 'data_split__to__path');
    const section = fc.dictionary(member, value, { maxKeys: 6 }).map((o) => `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
    const doc = fc.oneof(section.map((s) => `{"prediction_config":${s}}`), section.map((s) => `{"predict":${s}}`), nested, leafText);
    let n = 0;
    fc.assert(fc.property(doc, (text) => {
      const f = join(dir, `c${n++}.json`);
      writeFileSync(f, text);
      try {
        loadPredictionConfig(f, []);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        const m = (err as Error).message;
        expect(m.startsWith(f), m).toBe(true);
        expect(m).not.toMatch(INTERNAL);
      }
    }), RUNS);
  });

  it('word-frequency reader: finite log-probabilities or an Error naming the file', () => {
    const count = fc.oneof(fc.constantFrom('0', '1', '1e308', '1.7976931348623157e308', '1e309', 'NaN', 'Infinity', '-0', '-1', '5e-324', '', 'x', '１'), fc.double({ min: 0, noNaN: true }).map(String));
    const word = fc.oneof(fc.constantFrom('дом', 'кот', 'ёж', '\uFEFFдом', '\ud800', 'a b', ''), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }));
    const fileText = fc.tuple(fc.array(fc.tuple(word, count, fc.constantFrom('\t', ' ', '  ')), { maxLength: 40 }), fc.constantFrom('\n', '\r\n')).map(([rows, eol]) => rows.map(([w, c, sep]) => `${w}${sep}${c}`).join(eol));
    let n = 0;
    fc.assert(fc.property(fileText, (text) => {
      const f = join(dir, `f${n++}.tsv`);
      writeFileSync(f, text);
      try {
        const t = readFrequencyTable(f);
        expect(Number.isFinite(t.logTotal)).toBe(true);
        const p = new WordPrior(t);
        for (const w of t.counts.keys()) expect(Number.isFinite(p.logProb(w))).toBe(true);
        expect(Number.isFinite(p.logProb('не-слово'))).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        const m = (err as Error).message;
        expect(m.startsWith(f), m).toBe(true);
        expect(m).not.toMatch(INTERNAL);
      }
    }), RUNS);
  });

  it('serve request parser: a request or a RequestError (400, or 503 for a busy grid table) naming the field', () => {
    const grids = loadGrids();
    const registry = new GridRegistry(grids, 4);
    const limits = { maxPoints: 299, maxSwipes: 8, maxBeamSize: 16, maxInlineGrids: 4 };
    const body = fc.oneof(
      swipeText,
      fc.array(swipeText, { maxLength: 10 }).map((a) => `{"swipes":[${a.join(',')}]}`),
      fc.tuple(swipeText, fc.dictionary(fc.constantFrom('generator', 'beamSize', 'maxSteps', 'x'), value, { maxKeys: 3 })).map(([s, d]) => `{"swipes":[${s}],"decoding":${JSON.stringify(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.length < 100 ? v : 'long'])))}}`),
      nested,
      fc.string({ unit: 'binary' }),
    );
    fc.assert(fc.property(body, (text) => {
      try {
        const r = parseRequestBody(text, registry, limits);
        expect(r.swipes.length).toBeGreaterThan(0);
        for (const s of r.swipes) expect(Object.prototype.hasOwnProperty.call(registry.grids, s.gridName)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(RequestError);
        const e = err as RequestError;
        expect([400, 503]).toContain(e.status);
        expect(e.message.startsWith(`${e.field ?? ''}: `), e.message).toBe(true);
        expect(e.message).not.toMatch(INTERNAL);
      }
    }), RUNS);
  });
});
