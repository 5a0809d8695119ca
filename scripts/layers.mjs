#!/usr/bin/env node
// The layering of lib/: every module belongs to a layer (by the longest matching path prefix in LAYERS), and
// imports only modules of its own layer or of layers below it; no module takes part in an import cycle
// (type-only imports and re-exports count: a reader follows them too). docs/ARCHITECTURE.md draws the layers.
// Prints each upward import and each cycle, and exits 1 when there is any.
// Usage: node scripts/layers.mjs [--root DIR] [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layers from the bottom up: path prefixes under lib/. */
export const LAYERS = [
  { name: 'base', prefixes: ['util/', 'io/', 'invalid-option.ts'] },
  {
    name: 'domain',
    prefixes: ['native.ts', 'native-decode-types.ts', 'runtime.ts', 'decode/stats.ts', 'options/', 'keyboard/', 'tokenizer.ts', 'data/', 'model/', 'predictions.ts', 'registry/'],
  },
  {
    name: 'pipeline',
    prefixes: ['features/', 'vocabulary.ts', 'decode/', 'evaluate/', 'aggregate/', 'baseline/', 'synth/', 'config/', 'predict/', 'submission.ts', 'serve/'],
  },
  { name: 'commands', prefixes: ['reproduce/', 'cli/', 'index.ts'] },
];

function layerOf(rel) {
  let best = null;
  LAYERS.forEach((l, i) => {
    for (const p of l.prefixes) if (rel === p || (p.endsWith('/') && rel.startsWith(p))) if (!best || p.length > best.p.length) best = { i, p };
  });
  return best === null ? -1 : best.i;
}

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The import graph of `<root>/lib` (relative module paths, `.ts`). */
export function importGraph(root) {
  const lib = join(root, 'lib');
  const files = walk(lib).filter((f) => f.endsWith('.ts')).map((f) => relative(lib, f));
  const graph = new Map();
  for (const f of files) {
    const src = readFileSync(join(lib, f), 'utf8');
    const deps = new Set();
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s+'(\.[^']+)'/g)) {
      deps.add(relative(lib, resolve(dirname(join(lib, f)), m[1].replace(/\.js$/, '.ts'))));
    }
    graph.set(f, [...deps].filter((d) => files.includes(d)));
  }
  return graph;
}

/** Upward imports, modules outside every layer, and cycles (strongly connected groups of two or more). */
export function checkLayers(root) {
  const graph = importGraph(root);
  const upward = [];
  const unplaced = [];
  for (const [f, deps] of graph) {
    const lf = layerOf(f);
    if (lf < 0) unplaced.push(f);
    for (const d of deps) {
      const ld = layerOf(d);
      if (lf >= 0 && ld > lf) upward.push({ from: f, to: d, fromLayer: LAYERS[lf].name, toLayer: LAYERS[ld].name });
    }
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const stack = [];
  const on = new Set();
  const ix = new Map();
  const low = new Map();
  const cycles = [];
  const visit = (v) => {
    ix.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!ix.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), ix.get(w)));
    }
    if (low.get(v) === ix.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const f of graph.keys()) if (!ix.has(f)) visit(f);
  return { modules: graph.size, upward, unplaced, cycles };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--root');
  const root = at > 0 ? resolve(process.argv[at + 1]) : join(dirname(fileURLToPath(import.meta.url)), '..');
  const r = checkLayers(root);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r) + '\n');
  else {
    for (const u of r.upward) process.stdout.write(`upward import: lib/${u.from} (${u.fromLayer}) → lib/${u.to} (${u.toLayer})\n`);
    for (const f of r.unplaced) process.stdout.write(`no layer: lib/${f} (add its path to LAYERS in scripts/layers.mjs)\n`);
    for (const c of r.cycles) process.stdout.write(`import cycle: ${c.map((f) => `lib/${f}`).join(' ↔ ')}\n`);
    process.stdout.write(`${r.modules} modules, ${LAYERS.length} layers: ${r.upward.length} upward imports, ${r.unplaced.length} without a layer, ${r.cycles.length} cycles\n`);
  }
  process.exitCode = r.upward.length + r.unplaced.length + r.cycles.length > 0 ? 1 : 0;
}
