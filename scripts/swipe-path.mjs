#!/usr/bin/env node
// Lists the library files one swipe's way from a JSONL data file to the submission CSV passes through:
// the import closure of the two commands that take it there, `neuroswipe predict` (lib/cli/predict.ts:
// JSONL → prediction files) and `neuroswipe submit` (lib/cli/submit.ts: prediction files → CSV).
//
// Counted: every lib/ module reached from those two command modules by static imports and re-exports,
// the command modules included. Not counted: npm packages, Node built-ins, tests, and the CLI entry
// (bin/neuroswipe.js and lib/cli/index.ts, which registers every command and is listed apart).
//
// By default the closure is the one Node loads at run time, read from the compiled dist/ (type-only
// imports are gone there), so run `npm run build:ts` first. With --types it is taken over the lib/
// sources with type-only imports followed as well (the files a reader opens to follow the types).
// Usage: node scripts/swipe-path.mjs [--types] [--json]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const withTypes = process.argv.includes('--types');
const asJson = process.argv.includes('--json');
const base = join(root, withTypes ? 'lib' : 'dist');
const ext = withTypes ? '.ts' : '.js';
const entries = ['cli/predict', 'cli/submit'].map((p) => join(base, p + ext));
if (!entries.every((f) => existsSync(f))) {
  process.stderr.write(`swipe-path: ${relative(root, entries[0])} is missing${withTypes ? '' : ' (run npm run build:ts first)'}\n`);
  process.exit(1);
}

/** Relative module specifiers of a file: static imports, re-exports and literal dynamic imports. */
function specifiers(file) {
  const text = readFileSync(file, 'utf8');
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, withTypes ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const out = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out.filter((s) => s.startsWith('.'));
}

function resolveSpecifier(from, spec) {
  const target = resolve(dirname(from), spec);
  return withTypes ? target.replace(/\.js$/, '.ts') : target;
}

const seen = new Set();
const order = [];
const walk = (file) => {
  if (seen.has(file)) return;
  seen.add(file);
  order.push(file);
  for (const spec of specifiers(file)) walk(resolveSpecifier(file, spec));
};
for (const e of entries) walk(e);

const files = order.map((f) => 'lib/' + relative(base, f).replace(/\.js$/, '.ts'));
const byFolder = [...files].sort();
if (asJson) {
  process.stdout.write(JSON.stringify({ closure: withTypes ? 'types' : 'runtime', count: files.length, files: byFolder }, null, 1) + '\n');
} else {
  const lines = [
    `${files.length} lib/ files from lib/cli/predict.ts and lib/cli/submit.ts (${withTypes ? 'type-only imports included' : 'run-time imports, from dist/'}):`,
    ...byFolder.map((f, i) => `${String(i + 1).padStart(3)}  ${f}`),
    'plus the CLI entry: bin/neuroswipe.js, lib/cli/index.ts',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
