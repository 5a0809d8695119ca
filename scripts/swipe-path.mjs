#!/usr/bin/env node
// Lists the library files one swipe's way from a JSONL data file to the submission CSV passes through,
// by one of two definitions.
//
// --trace: the files that really run. The script writes a one-swipe test file (the first line of
// examples/test.jsonl) and a seed-style prediction config for the example model (examples/model.pt with
// examples/vocab.txt, beam search with the vocabulary, on the CPU), then runs the real commands
// `neuroswipe predict --config … --device cpu --quiet` and `neuroswipe submit --predictions <its file>
// --data <the swipe file> --out <csv> --quiet` under NODE_V8_COVERAGE. A lib/ file is on the path when at
// least one of its functions other than the module's top level ran more often in one of those two runs
// than in `neuroswipe --version`, which only assembles the command line (every command registers its
// options, so registering is not counted). Files are dist/*.js mapped back to lib/*.ts; each is listed
// with the number of distinct functions that ran. `--keep` leaves the temporary folder in place.
// The same two commands then run on the first three swipes of that file; the files in which some code block
// ran more often for three swipes than for one are those that carry each swipe (reading, features,
// decoding, writing), as against a run's set-up that runs once whatever the data (config, registry, run
// lock, hashes, completion record). Both runs decode one swipe per batch (`--batch-size 1`), so work done
// per batch (the native call) counts as the swipe's too. That list is the swipe's way ("perSwipe").
//
// --static (the default): the import closure of the two commands, `neuroswipe predict`
// (lib/cli/predict.ts: JSONL → prediction files) and `neuroswipe submit` (lib/cli/submit.ts: prediction
// files → CSV). Counted: every lib/ module reached from those two command modules by static imports and
// re-exports, the command modules included. Not counted: npm packages, Node built-ins, tests, and the CLI
// entry (bin/neuroswipe.js and lib/cli/index.ts, which registers every command and is listed apart).
// The closure is the one Node loads at run time, read from the compiled dist/ (type-only imports are gone
// there). With --types it is taken over the lib/ sources with type-only imports followed as well (the
// files a reader opens to follow the types).
//
// Both modes except --types read dist/: run `npm run build:ts` first (and build the addon for --trace).
// Usage: node scripts/swipe-path.mjs [--static | --types | --trace [--keep]] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const withTypes = process.argv.includes('--types');
const trace = process.argv.includes('--trace');
const keep = process.argv.includes('--keep');
const asJson = process.argv.includes('--json');
const base = join(root, withTypes ? 'lib' : 'dist');
const ext = withTypes ? '.ts' : '.js';
const entries = ['cli/predict', 'cli/submit'].map((p) => join(base, p + ext));

/** Stops the script with a message (the temporary folder of --trace is removed on the way out). */
function fail(message) {
  throw new Error(message);
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

/** The static import closure of the two commands. */
function staticPath() {
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
}

/** Runs `neuroswipe <args>` in `cwd` with V8 coverage written to `coverageDir`; fails with its output when it fails. */
function runCovered(args, cwd, coverageDir) {
  mkdirSync(coverageDir, { recursive: true });
  const r = spawnSync(process.execPath, [join(root, 'bin/neuroswipe.js'), ...args], {
    cwd,
    encoding: 'utf8',
    // The commands run in the temporary folder: an addon chosen by a relative path stays the one meant.
    env: { ...process.env, NODE_V8_COVERAGE: coverageDir, ...(process.env.NEUROSWIPE_ADDON ? { NEUROSWIPE_ADDON: resolve(process.env.NEUROSWIPE_ADDON) } : {}) },
  });
  if (r.status !== 0) fail(`neuroswipe ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The library's scripts in one run's coverage files in `coverageDir`: { file (lib/…ts), functions (V8's). */
function* libraryScripts(coverageDir) {
  const dist = pathToFileURL(join(root, 'dist')).href + '/';
  for (const name of readdirSync(coverageDir)) {
    if (!name.endsWith('.json')) continue;
    const { result } = JSON.parse(readFileSync(join(coverageDir, name), 'utf8'));
    for (const script of result) {
      if (!script.url.startsWith(dist) || !script.url.endsWith('.js')) continue;
      yield { file: 'lib/' + script.url.slice(dist.length).replace(/\.js$/, '.ts'), functions: script.functions };
    }
  }
}

/** The entry of `file` in `map`, made empty when missing. */
function entryOf(map, file) {
  const entry = map.get(file) ?? new Map();
  map.set(file, entry);
  return entry;
}

/**
 * Call counts of the library's functions in one run, from the coverage files in `coverageDir`:
 * lib/ file → (function key → { name, count }). The module's top level (the unnamed function that starts
 * at offset 0) is left out; a function's key is its start offset, which tells apart unnamed functions.
 */
function functionCounts(coverageDir) {
  const out = new Map();
  for (const { file, functions } of libraryScripts(coverageDir)) {
    const fns = entryOf(out, file);
    for (const fn of functions) {
      const range = fn.ranges[0];
      if (fn.functionName === '' && range.startOffset === 0) continue;
      const key = range.startOffset;
      const prev = fns.get(key);
      fns.set(key, { name: fn.functionName || `(anonymous at ${key})`, count: (prev?.count ?? 0) + range.count });
    }
  }
  return out;
}

/** Execution counts of every code block (V8's block coverage ranges) of the library's files in one run: lib/ file → (range → count). */
function blockCounts(coverageDir) {
  const out = new Map();
  for (const { file, functions } of libraryScripts(coverageDir)) {
    const blocks = entryOf(out, file);
    for (const fn of functions) {
      for (const r of fn.ranges) {
        const key = `${r.startOffset}:${r.endOffset}`;
        blocks.set(key, (blocks.get(key) ?? 0) + r.count);
      }
    }
  }
  return out;
}

/** The files in which some block ran more often in `more` than in `fewer` (lib/ file → number of such blocks), added to `into`. */
function grewBetween(fewer, more, into) {
  for (const [file, blocks] of more) {
    const before = fewer.get(file);
    for (const [key, count] of blocks) {
      if (count > (before?.get(key) ?? 0)) into.set(file, (into.get(file) ?? 0) + 1);
    }
  }
}

/** The files whose functions ran more often in `run` than in `assembly`: lib/ file → set of function names. */
function ranBeyond(run, assembly, into) {
  for (const [file, fns] of run) {
    for (const [key, { name, count }] of fns) {
      if (count > (assembly.get(file)?.get(key)?.count ?? 0)) {
        entryOf(into, file).set(key, name);
      }
    }
  }
}

/** The files that run when one swipe goes from JSONL through predict and submit to the CSV. */
function tracedPath() {
  for (const f of ['examples/model.pt', 'examples/vocab.txt', 'examples/test.jsonl', 'bin/neuroswipe.js']) {
    if (!existsSync(join(root, f))) fail(`${f} is missing`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-swipe-path-'));
  try {
    const lines = readFileSync(join(root, 'examples/test.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    if (lines.length < 3) fail('examples/test.jsonl holds fewer than 3 swipes');
    writeFileSync(join(dir, 'one.jsonl'), lines[0] + '\n');
    writeFileSync(join(dir, 'three.jsonl'), lines.slice(0, 3).join('\n') + '\n');
    for (const [n, data] of [['1', 'one.jsonl'], ['3', 'three.jsonl']]) writeConfig(dir, n, data);
    /** predict and submit on the swipes of `data`, one swipe per batch; their coverage in coverage-<tag>-{predict,submit}. */
    const runBoth = (tag, data) => {
      runCovered(['predict', '--config', `config-${tag}.json`, '--device', 'cpu', '--batch-size', '1', '--quiet'], dir, join(dir, `coverage-${tag}-predict`));
      const predictions = readdirSync(join(dir, `predictions-${tag}`)).filter((f) => f.endsWith('.test.jsonl'));
      if (predictions.length !== 1) fail(`predict wrote ${predictions.length} prediction files in ${dir}/predictions-${tag}, not 1`);
      runCovered(['submit', '--predictions', join(`predictions-${tag}`, predictions[0]), '--data', data, '--out', `submission-${tag}.csv`, '--quiet'], dir, join(dir, `coverage-${tag}-submit`));
      return readFileSync(join(dir, `submission-${tag}.csv`), 'utf8');
    };
    runCovered(['--version'], dir, join(dir, 'coverage-assembly'));
    const csv = runBoth('1', 'one.jsonl');
    if (csv.split('\n').filter((l) => l !== '').length !== 1) fail(`${dir}/submission-1.csv does not hold one line:\n${csv}`);
    const csv3 = runBoth('3', 'three.jsonl');
    if (csv3.split('\n').filter((l) => l !== '').length !== 3) fail(`${dir}/submission-3.csv does not hold three lines:\n${csv3}`);

    const assembly = functionCounts(join(dir, 'coverage-assembly'));
    const ran = new Map();
    ranBeyond(functionCounts(join(dir, 'coverage-1-predict')), assembly, ran);
    ranBeyond(functionCounts(join(dir, 'coverage-1-submit')), assembly, ran);
    const files = [...ran.keys()].sort().map((file) => ({ file, functions: [...ran.get(file).values()].sort() }));
    const grew = new Map();
    for (const part of ['predict', 'submit']) grewBetween(blockCounts(join(dir, `coverage-1-${part}`)), blockCounts(join(dir, `coverage-3-${part}`)), grew);
    const perSwipe = [...grew.keys()].sort().map((file) => ({ file, blocks: grew.get(file) }));
    if (asJson) {
      process.stdout.write(JSON.stringify({ closure: 'trace', count: files.length, submission: csv.trim(), files, perSwipe: { count: perSwipe.length, files: perSwipe } }, null, 1) + '\n');
    } else {
      const out = [
        `${files.length} lib/ files ran one swipe from JSONL through predict and submit to the CSV (functions run, beyond assembling the command line):`,
        ...files.map((f, i) => `${String(i + 1).padStart(3)}  ${f.file.padEnd(36)} ${String(f.functions.length).padStart(3)}${grew.has(f.file) ? '  per swipe' : ''}`),
        `total: ${files.length} files, ${files.reduce((n, f) => n + f.functions.length, 0)} functions`,
        `the swipe's way (code that runs again for each further swipe, marked "per swipe"): ${perSwipe.length} files`,
      ];
      const outside = perSwipe.filter((p) => !ran.has(p.file));
      if (outside.length > 0) out.push(`  of which not in the one-swipe list: ${outside.map((p) => p.file).join(', ')}`);
      process.stdout.write(out.join('\n') + '\n');
    }
  } finally {
    if (keep) process.stderr.write(`swipe-path: kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The seed-style prediction config `config-<tag>.json` in `dir`: the example model and vocabulary on `data`, into predictions-<tag>/. */
function writeConfig(dir, tag, data) {
    mkdirSync(join(dir, `predictions-${tag}`));
    writeFileSync(
      join(dir, `config-${tag}.json`),
      JSON.stringify({
        prediction_config: {
          model_params: [['default', 'm1_bigger', 'model.pt']],
          out_path: `predictions-${tag}`,
          csv_path: null,
          data_split: 'test',
          data_split__to__path: { test: data },
          models_root: join(root, 'examples'),
          voc_path: join(root, 'examples/vocab.txt'),
          transform_name: 'traj_feats_and_nearest_key',
          include_coords: true,
          include_time: false,
          include_velocities: true,
          include_accelerations: true,
          generator: 'beam',
          generator_call_kwargs: { max_steps_n: 35, return_hypotheses_n: 7, beamsize: 6, normalization_factor: 0.5 },
          use_vocab_for_generation: true,
          n_classes: 35,
        },
      }, null, 1),
    );
}

try {
  if (trace && withTypes) fail('--trace and --types exclude each other');
  if (!entries.every((f) => existsSync(f))) fail(`${relative(root, entries[0])} is missing${withTypes ? '' : ' (run npm run build:ts first)'}`);
  if (trace) tracedPath();
  else staticPath();
} catch (err) {
  process.stderr.write(`swipe-path: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
