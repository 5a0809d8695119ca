#!/usr/bin/env node
// Where each decoding option of lib/options/schema.ts is named in lib/: for every option (an object literal
// of the schema with a string `name`, a string `seed` and a `group`), the files of lib/ that name it, once by
// its camelCase name and once by its seed (snake_case) name.
//
// How a file "names" an option: the file's TypeScript syntax tree holds an identifier (a variable, a property
// access `d.maxSteps`, a key `maxSteps:`, a destructured name) or a whole string literal (`'maxSteps'`,
// `'max_steps_n'`) equal to the name. Comments and documentation do not count, nor does the name inside a
// longer word (`repairWords`) or inside a sentence (`'--repair needs …'`): a word such as `repair` also
// describes things that are not the option. Each file counts once per name.
//
// Prints one line per option, and exits 1 when a name of an option of group `search` or `postprocess` is in
// more files than the limit.
// Usage: node scripts/option-names.mjs [--root DIR] [--limit N] [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Files of a folder, recursively. */
function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function parse(path) {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The string value of property `key` of an object literal, if it is a string literal. */
function stringProperty(obj, key) {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && p.name.getText() === key && ts.isStringLiteralLike(p.initializer)) return p.initializer.text;
  }
  return undefined;
}

/** The options declared in a schema file: `{ name, seed, group }` of every object literal that has all three. */
export function declaredOptions(schemaPath) {
  const out = [];
  const visit = (n) => {
    if (ts.isObjectLiteralExpression(n)) {
      const name = stringProperty(n, 'name');
      const seed = stringProperty(n, 'seed');
      const group = stringProperty(n, 'group');
      if (name !== undefined && seed !== undefined && group !== undefined) out.push({ name, seed, group });
    }
    ts.forEachChild(n, visit);
  };
  visit(parse(schemaPath));
  return out;
}

/** The identifiers and whole string literals of a file (comments are not part of the tree). */
function namesIn(path) {
  const names = new Set();
  const visit = (n) => {
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) names.add(n.text);
    else if (ts.isStringLiteralLike(n)) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(parse(path));
  return names;
}

/**
 * For each option of `<root>/lib/options/schema.ts`, the lib/ files that name it by its name and by its seed name.
 * @returns `[{ name, seed, group, files: string[], seedFiles: string[] }]`, paths relative to lib/
 */
export function optionNameFiles(root) {
  const lib = join(root, 'lib');
  const files = walk(lib).filter((f) => f.endsWith('.ts')).sort();
  const names = new Map(files.map((f) => [relative(lib, f), namesIn(f)]));
  const where = (word) => [...names].filter(([, s]) => s.has(word)).map(([f]) => f);
  return declaredOptions(join(lib, 'options/schema.ts')).map((o) => ({ ...o, files: where(o.name), seedFiles: where(o.seed) }));
}

/** The options of the decoding groups named in more than `limit` files (by either name). */
export function overLimit(rows, limit) {
  return rows.filter((r) => (r.group === 'search' || r.group === 'postprocess') && (r.files.length > limit || r.seedFiles.length > limit));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (k) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const root = arg('--root') !== undefined ? resolve(arg('--root')) : join(dirname(fileURLToPath(import.meta.url)), '..');
  const limit = Number(arg('--limit') ?? 3);
  const rows = optionNameFiles(root);
  const over = overLimit(rows, limit);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ limit, options: rows, over: over.map((r) => r.name) }) + '\n');
  else {
    for (const r of rows) {
      process.stdout.write(`${r.name} (${r.group}): ${r.files.length} files: ${r.files.join(' ')}\n`);
      process.stdout.write(`  ${r.seed}: ${r.seedFiles.length} files: ${r.seedFiles.join(' ')}\n`);
    }
    process.stdout.write(`${rows.length} options; ${over.length} named in more than ${limit} files of lib/${over.length > 0 ? `: ${over.map((r) => r.name).join(', ')}` : ''}\n`);
  }
  process.exitCode = over.length > 0 ? 1 : 0;
}
