/**
 * Fuzz test of the JSONL, config and vocabulary readers: on any input they either succeed or throw their
 * documented error (BadLineError / an Error whose message starts with the file, and line where there is
 * one); never a TypeError from inside, never another class.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSwipeLine } from '../../lib/data/swipe-line.js';
import { BadLineError } from '../../lib/io/bad-line.js';
import { loadPredictionConfig } from '../../lib/config/load.js';
import { applyOverrides, parseOverride } from '../../lib/config/overrides.js';
import { readVocabularyFile } from '../../lib/vocabulary.js';
import { parseVocab } from '../../lib/synth/vocab.js';

const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-fuzz-'));
const INTERNAL = /Cannot read propert|is not a function|is not iterable|undefined \(reading|Maximum call stack/;

/** JSON-ish values shaped like swipe lines, with hostile leaves. */
const leaf = fc.oneof(fc.integer({ min: -40000, max: 40000 }), fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(Number.POSITIVE_INFINITY));
const coords = fc.oneof(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 8 }), fc.array(leaf, { maxLength: 6 }), leaf);
const curve = fc.record({ x: coords, y: coords, t: coords, grid_name: fc.oneof(fc.constant('default'), leaf), grid: fc.oneof(fc.constant(undefined), fc.object(), leaf) }, { requiredKeys: [] });
const line = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record({ curve: fc.oneof(curve, leaf), word: fc.oneof(fc.string(), leaf) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.record({ curve, word: fc.string() }).map((o) => JSON.stringify(o).slice(0, Math.max(1, JSON.stringify(o).length - 3))),
);

describe('fuzz: readers fail only with their documented errors', () => {
  it('JSONL swipe lines: a record or a BadLineError naming file, line and field', () => {
    fc.assert(fc.property(line, fc.nat({ max: 10_000 }), (text, index) => {
      try {
        const r = parseSwipeLine(text, 'f.jsonl', index);
        expect(r.x.length).toBe(r.t.length);
        expect(r.x.length).toBeGreaterThan(0);
      } catch (err) {
        expect(err).toBeInstanceOf(BadLineError);
        const e = err as BadLineError;
        expect(e.message.startsWith(`f.jsonl:${index + 1}: ${e.field}: `)).toBe(true);
        expect(e.message).not.toMatch(INTERNAL);
      }
    }), { numRuns: 3000 });
  });

  it('config files: a plan or an Error that starts with the file', () => {
    const doc = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ prediction_config: fc.oneof(fc.object(), fc.dictionary(fc.constantFrom('model_params', 'generator', 'generator_call_kwargs', 'data_split', 'out_path', 'models_root', 'n_classes', 'transform_name', 'use_vocab_for_generation', 'voc_path'), leaf)) }).map((o) => JSON.stringify(o)),
    );
    let n = 0;
    fc.assert(fc.property(doc, fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }), (text, sets) => {
      const f = join(dir, `c${n++}.json`);
      writeFileSync(f, text);
      try {
        loadPredictionConfig(f, sets.map((s) => `${s}=1`));
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        const m = (err as Error).message;
        expect(m.startsWith(f) || m.startsWith('--set ')).toBe(true);
        expect(m).not.toMatch(INTERNAL);
      }
    }), { numRuns: 400 });
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('--set paths never reach Object.prototype', () => {
    const seg = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'a', '0', 'valueOf'), fc.string({ minLength: 1, maxLength: 5 }).filter((s) => !s.includes('.') && !s.includes('=')));
    fc.assert(fc.property(fc.array(seg, { minLength: 1, maxLength: 4 }), fc.json(), (path, value) => {
      try {
        applyOverrides({ prediction_config: {} }, [parseOverride(`${path.join('.')}=${value}`)]);
      } catch (err) {
        expect((err as Error).message.startsWith('--set ')).toBe(true);
      }
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(({} as Record<string, unknown>).a).toBeUndefined();
    }), { numRuns: 2000 });
  });

  it('vocabulary files: words or an Error naming the file', () => {
    let n = 0;
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('', ' ', '\r', 'дом', 'ёж-ик', 'abc', '\uFEFFслово')), { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (words, eol) => {
      const f = join(dir, `v${n++}.txt`);
      const text = words.join(eol);
      writeFileSync(f, text);
      for (const read of [() => readVocabularyFile(f), () => parseVocab(text, f)]) {
        try {
          const out = read();
          expect(Array.isArray(out)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toContain(f);
          expect((err as Error).message).not.toMatch(INTERNAL);
        }
      }
    }), { numRuns: 1000 });
  });
});
