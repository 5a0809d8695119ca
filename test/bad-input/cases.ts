/**
 * The bad-input corpus: each case is a command line, the input files it creates, the exit code and the
 * fragments its message must contain (file, line, field). Paths: `@name` is a file of the case's own
 * folder, `$FIX/name` a generated model fixture, `$MODEL`/`$VOCAB`/`$VALID` the bundled examples,
 * `$GRIDS` the bundled grids.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { at as item, own } from '../../lib/util/checked.js';

/** One case. */
export interface BadInputCase {
  /** Unique name (the test title). */
  name: string;
  /** Arguments after `neuroswipe`. */
  args: string[];
  /** Files written into the case's folder before the run (name → content). */
  files?: Record<string, string>;
  /** Expected exit code; default 1. */
  code?: number;
  /** Every fragment must occur in stderr (`@name` is replaced by the case file's path). */
  message: (string | RegExp)[];
  /** Files the command may create even though it fails (none by default). */
  mayCreate?: string[];
}

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const validLines = readFileSync(`${EXAMPLES}valid.jsonl`, 'utf8').split('\n').filter((l) => l.length > 0);

/** A real separated-grid line (with its target word). */
export const GOOD = item(validLines, 0);
const good = (): Record<string, unknown> => JSON.parse(GOOD) as Record<string, unknown>;
const curveOf = (o: Record<string, unknown>): Record<string, unknown> => o.curve as Record<string, unknown>;

function mutated(f: (o: Record<string, unknown>, c: Record<string, unknown>) => void): string {
  const o = good();
  f(o, curveOf(o));
  return JSON.stringify(o);
}

/** Bad second lines of a data file: [label, line, field, problem fragment]. */
export const BAD_LINES: [string, string, string, string | RegExp][] = [
  ['invalid JSON', '{"curve": [1, 2', '(line)', 'invalid JSON'],
  ['not an object', '[1, 2, 3]', '(line)', 'expected a JSON object'],
  ['a string', '"swipe"', '(line)', 'expected a JSON object'],
  ['no curve', mutated((o) => delete o.curve), 'curve', 'missing'],
  ['curve is a number', mutated((o) => (o.curve = 5)), 'curve', 'expected an object'],
  ['no x', mutated((_, c) => delete c.x), 'curve.x', 'missing'],
  ['x is a string', mutated((_, c) => (c.x = 'abc')), 'curve.x', 'expected an array of integers'],
  ['x is null', mutated((_, c) => (c.x = null)), 'curve.x', 'expected an array of integers, got null'],
  ['x element a string', mutated((_, c) => ((c.x as unknown[])[3] = '7')), 'curve.x[3]', 'expected an integer, got "7"'],
  ['x element null', mutated((_, c) => ((c.x as unknown[])[0] = null)), 'curve.x[0]', 'expected an integer, got null'],
  ['x element fractional', mutated((_, c) => ((c.x as unknown[])[2] = 1.5)), 'curve.x[2]', 'expected an integer, got 1.5'],
  ['x element above int16', mutated((_, c) => ((c.x as unknown[])[1] = 40000)), 'curve.x[1]', '40000 is outside the int16 range'],
  ['y element below int16', mutated((_, c) => ((c.y as unknown[])[4] = -40000)), 'curve.y[4]', '-40000 is outside the int16 range'],
  ['t element huge', mutated((_, c) => ((c.t as unknown[])[5] = 1e300)), 'curve.t[5]', 'is outside the int16 range'],
  ['t element boolean', mutated((_, c) => ((c.t as unknown[])[0] = true)), 'curve.t[0]', 'expected an integer, got true'],
  ['y shorter', mutated((_, c) => (c.y = (c.y as unknown[]).slice(1))), 'curve.y', 'points but curve.x has'],
  ['t longer', mutated((_, c) => (c.t = [...(c.t as unknown[]), 999])), 'curve.t', 'points but curve.x has'],
  ['empty curve', mutated((_, c) => ((c.x = []), (c.y = []), (c.t = []))), 'curve.x', 'empty curve'],
  ['no grid', mutated((_, c) => delete c.grid_name), 'curve.grid_name', 'missing'],
  ['grid name a number', mutated((_, c) => (c.grid_name = 3)), 'curve.grid_name', 'expected a string, got 3'],
  ['unknown grid name', mutated((_, c) => (c.grid_name = 'dvorak')), 'curve.grid_name', 'unknown grid name "dvorak"'],
  ['word a number', mutated((o) => (o.word = 12)), 'word', 'expected a string, got 12'],
  ['grid and grid_name differ', mutated((_, c) => (c.grid = { width: 10, height: 10, grid_name: 'x', keys: [] })), 'curve.grid', ''],
];

/** A data file whose line 2 is `bad`. */
const dataWith = (bad: string): string => `${GOOD}\n${bad}\n${validLines[1]}\n`;

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `file:2: field: problem` as a pattern. */
function at(file: string, line: number, field: string, problem: string | RegExp): RegExp {
  const p = typeof problem === 'string' ? esc(problem) : problem.source;
  return new RegExp(`${esc(file)}:${line}: ${esc(field)}${field === 'curve.grid' ? '' : `: (?:.* )?${p}`}`);
}

const cases: BadInputCase[] = [];
const add = (c: BadInputCase): void => {
  cases.push(c);
};

// 1. Every data reader, every bad field: file, line and field named.
const DATA_COMMANDS: [string, (data: string) => string[]][] = [
  ['decode', (d) => ['decode', '--model', '$MODEL', '--data', d, '--out', '@out.jsonl', '--generator', 'greedy', '--max-steps', '3']],
  ['features', (d) => ['features', '--data', d, '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--out', '@out.jsonl']],
];
for (const [cmd, argv] of DATA_COMMANDS) {
  for (const [label, line, field, problem] of BAD_LINES) {
    if (label === 'grid and grid_name differ' && cmd !== 'features') continue;
    // features leaves its output behind when line 2 has no grid (the writer is being rebuilt): allowed here
    const mayCreate = cmd === 'features' && label === 'no grid' ? ['out.jsonl'] : undefined;
    add({ name: `${cmd}: data line 2: ${label}`, files: { 'data.jsonl': dataWith(line) }, args: argv('@data.jsonl'), message: [at('@data.jsonl', 2, field, problem)], mayCreate });
  }
}
// The baseline reads x, y and the grid (t is not used; any finite number is a coordinate there); evaluate
// reads only the targets and grids: the line and field are named.
const BASELINE_FIELDS = ['invalid JSON', 'not an object', 'a string', 'no curve', 'curve is a number', 'no x', 'x is a string', 'x is null',
  'x element a string', 'x element null', 'y shorter', 'empty curve', 'no grid', 'grid name a number', 'unknown grid name', 'word a number'];
for (const [label, line, field] of BAD_LINES.filter(([l]) => BASELINE_FIELDS.includes(l))) {
  add({ name: `baseline: data line 2: ${label}`, files: { 'data.jsonl': dataWith(line) }, args: ['baseline', '--data', '@data.jsonl', '--vocab', '$VOCAB', '--voc-size', '50', '--out', '@out.jsonl'], message: [`@data.jsonl:2: ${field === 'curve.x' && label === 'no x' ? 'curve.x' : field}:`] });
}
for (const [label, line, field] of BAD_LINES.filter(([l]) => ['invalid JSON', 'not an object', 'a string', 'no curve', 'curve is a number', 'word a number'].includes(l))) {
  add({
    name: `evaluate: data line 2: ${label}`,
    files: { 'data.jsonl': dataWith(line), 'p.jsonl': '{"index":0,"grid_name":"default","candidates":[[1,"а"]]}\n' },
    args: ['evaluate', '--predictions', '@p.jsonl', '--data', '@data.jsonl'],
    message: [`@data.jsonl:2: ${field}:`],
  });
}

// 2. Missing input files: the file is named.
const MISSING: [string, string[]][] = [
  ['decode --model', ['decode', '--model', '@nope.pt', '--data', '$VALID', '--out', '@out.jsonl']],
  ['decode --data', ['decode', '--model', '$MODEL', '--data', '@nope.jsonl', '--out', '@out.jsonl']],
  ['decode --vocab', ['decode', '--model', '$MODEL', '--data', '$VALID', '--use-vocab', '--vocab', '@nope.txt', '--out', '@out.jsonl']],
  ['decode --grids', ['decode', '--model', '$MODEL', '--data', '$VALID', '--grids', '@nope.json', '--out', '@out.jsonl']],
  ['features --data', ['features', '--data', '@nope.jsonl', '--transform', 'nearest_key_only', '--out', '@out.jsonl']],
  ['features --grids', ['features', '--data', '$VALID', '--grids', '@nope.json', '--transform', 'nearest_key_only', '--out', '@out.jsonl']],
  ['baseline --data', ['baseline', '--data', '@nope.jsonl', '--vocab', '$VOCAB', '--out', '@out.jsonl']],
  ['baseline --vocab', ['baseline', '--data', '$VALID', '--vocab', '@nope.txt', '--out', '@out.jsonl']],
  ['evaluate --predictions', ['evaluate', '--predictions', '@nope.jsonl', '--data', '$VALID']],
  ['evaluate --data', ['evaluate', '--predictions', '@p.jsonl', '--data', '@nope.jsonl']],
  ['evaluate --ref', ['evaluate', '--predictions', '@p.jsonl', '--data', '$VALID', '--ref', '@nope.ref']],
  ['aggregate --inputs', ['aggregate', '--method', 'appendage', '--inputs', '@nope.jsonl', '--vocab', '$VOCAB', '--out', '@out.jsonl']],
  ['aggregate --vocab', ['aggregate', '--method', 'appendage', '--inputs', '@p.jsonl', '--vocab', '@nope.txt', '--out', '@out.jsonl']],
  ['aggregate --state', ['aggregate', '--method', 'weighted', '--inputs', '@p.jsonl', '--vocab', '$VOCAB', '--state', '@nope.json', '--out', '@out.jsonl']],
  ['submit --predictions', ['submit', '--predictions', '@nope.jsonl', '--data', '$VALID', '--out', '@out.csv']],
  ['submit --data', ['submit', '--predictions', '@p.jsonl', '--data', '@nope.jsonl', '--out', '@out.csv']],
  ['separate-grid in', ['separate-grid', '@nope.jsonl', '--out', '@out.jsonl', '--grids-out', '@grids.json']],
  ['synth --vocab', ['synth', '--vocab', '@nope.txt', '--count', '3', '--out', '@out.jsonl']],
  ['synth --grids', ['synth', '--vocab', '$VOCAB', '--grids', '@nope.json', '--count', '3', '--out', '@out.jsonl']],
  ['predict --config', ['predict', '--config', '@nope.json']],
  ['reproduce --data-dir', ['reproduce', '--config', '@p.jsonl', '--weights-dir', '@', '--data-dir', '@nope.d', '--out', '@out.csv']],
  ['registry list', ['registry', 'list', '@nope.sqlite']],
  ['registry show', ['registry', 'show', '@nope.sqlite', '1']],
  ['predictions merge', ['predictions', 'merge', '--out', '@out.jsonl', '@nope.shard-1-of-2.jsonl']],
];
const P_ROW = '{"index":0,"grid_name":"default","candidates":[[1.5,"набей"]]}\n';
for (const [label, args] of MISSING) {
  add({ name: `missing file: ${label}`, files: { 'p.jsonl': P_ROW }, args, message: [/nope\.[a-z0-9-]+/] });
}

// 3. Bad numeric and choice options: the option is named.
const OPTS: [string, string[], string | RegExp][] = [];
const seedConfig = (over: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string => JSON.stringify({
  prediction_config: {
    model_params: [['default', 'm1_bigger', 'm.pt']], out_path: 'out', csv_path: '', data_split: 'val',
    data_split__to__path: { val: 'valid.jsonl', test: 'valid.jsonl' }, models_root: 'models', voc_path: 'voc.txt',
    transform_name: 'traj_feats_and_nearest_key', include_time: false, include_velocities: true, include_accelerations: true,
    generator: 'greedy', generator_call_kwargs: { max_steps_n: 3 }, use_vocab_for_generation: false, n_classes: 35, ...over,
  },
  ...top,
});
const decodeArgs = ['decode', '--model', '$MODEL', '--data', '$VALID', '--out', '@out.jsonl'];
const DECODE_FIELD: Record<string, string> = {
  '--beam-size': 'beam', '--max-steps': 'max', '--batch-size': 'batch', '--workers': 'workers', '--normalization-factor': 'normalization',
  '--return-hypotheses': 'eturn', '--threads': '--threads',
};
for (const [flag, values] of [
  ['--beam-size', ['0', '-3', 'abc', '1.5']],
  ['--max-steps', ['0', 'many', '2.5', '100000']],
  ['--batch-size', ['0', 'lots', '-1']],
  ['--workers', ['0', '1000', 'x']],
  ['--normalization-factor', ['abc', 'NaN']],
  ['--return-hypotheses', ['0', 'y']],
  ['--threads', ['0', 'z']],
] as [string, string[]][]) {
  for (const v of values) OPTS.push([`decode ${flag} ${v}`, [...decodeArgs, flag, v], new RegExp(own(DECODE_FIELD, flag), 'i')]);
}
OPTS.push(['decode --generator nope', [...decodeArgs, '--generator', 'nope'], '--generator']);
OPTS.push(['decode --device gpu7', [...decodeArgs, '--device', 'gpu7'], 'gpu7']);
OPTS.push(['decode --precision float8', [...decodeArgs, '--precision', 'float8'], '--precision']);
OPTS.push(['decode --use-vocab without --vocab', [...decodeArgs, '--use-vocab'], '--vocab']);
OPTS.push(['decode greedy with --beam-size', [...decodeArgs, '--generator', 'greedy', '--beam-size', '3'], '--beam-size']);
const synthArgs = ['synth', '--vocab', '$VOCAB', '--out', '@out.jsonl'];
for (const [flag, v, field] of [
  ['--count', '0', '--count'], ['--count', '1e12', '--count'], ['--count', 'x', '--count'], ['--count', '2.5', '--count'], ['--count', '-4', '--count'],
  ['--seed', '1.5', '--seed'], ['--seed', 'abc', '--seed'], ['--noise-scale', '-1', 'swipe.noiseScale'], ['--noise-scale', '1e9', 'swipe.noiseScale'],
  ['--outside-rate', '2', 'swipe.outsideRate'], ['--outside-rate', 'x', '--outside-rate'], ['--missing', 'drop', 'missing'], ['--sampling', 'gauss', 'sampling'],
  ['--grid', 'dvorak', 'unknown grid "dvorak"'],
] as [string, string, string][]) {
  OPTS.push([`synth ${flag} ${v}`, [...synthArgs, ...(flag === '--count' ? [] : ['--count', '3']), flag, v], field]);
}
const featArgs = ['features', '--data', '$VALID', '--out', '@out.jsonl'];
OPTS.push(['features --transform nope', [...featArgs, '--transform', 'nope'], 'transform']);
OPTS.push(['features --limit abc', [...featArgs, '--transform', 'nearest_key_only', '--limit', 'abc'], '--limit']);
OPTS.push(['features --format xml', [...featArgs, '--transform', 'nearest_key_only', '--format', 'xml'], 'format']);
OPTS.push(['features --weights-function nope', [...featArgs, '--transform', 'traj_feats_and_distance_weights', '--weights-function', 'nope'], 'weights']);
OPTS.push(['features --weights-bias abc', [...featArgs, '--transform', 'traj_feats_and_distance_weights', '--weights-bias', 'abc'], '--weights-bias']);
OPTS.push(['features accelerations without velocities', [...featArgs, '--transform', 'traj_feats_and_nearest_key', '--include-accelerations'], 'velocities']);
const baseArgs = ['baseline', '--data', '$VALID', '--vocab', '$VOCAB', '--out', '@out.jsonl'];
OPTS.push(['baseline --voc-size abc', [...baseArgs, '--voc-size', 'abc'], '--voc-size']);
OPTS.push(['baseline --threads 0', [...baseArgs, '--threads', '0'], '--threads']);
OPTS.push(['baseline --engine gpu', [...baseArgs, '--engine', 'gpu'], 'engine']);
const aggArgs = ['aggregate', '--inputs', '@p.jsonl', '--vocab', '$VOCAB', '--out', '@out.jsonl'];
OPTS.push(['aggregate --method vote', [...aggArgs, '--method', 'vote'], 'method']);
OPTS.push(['aggregate --limit 0', [...aggArgs, '--method', 'appendage', '--limit', '0'], '--limit']);
OPTS.push(['aggregate --limit x', [...aggArgs, '--method', 'appendage', '--limit', 'x'], '--limit']);
OPTS.push(['aggregate weighted without weights', [...aggArgs, '--method', 'weighted'], 'weights']);
OPTS.push(['aggregate weighted weights count', ['aggregate', '--method', 'weighted', '--inputs', '@p.jsonl', '@p.jsonl', '--vocab', '$VOCAB', '--weights', '1', '--out', '@out.jsonl'], 'weights']);
OPTS.push(['aggregate weighted weights text', [...aggArgs, '--method', 'weighted', '--weights', 'a'], 'weights']);
OPTS.push(['info --threads 0', ['info', '--threads', '0'], '--threads']);
OPTS.push(['info --threads abc', ['info', '--threads', 'abc'], '--threads']);
OPTS.push(['predict --shard 0/2', ['predict', '--config', '@c.json', '--shard', '0/2'], '--shard']);
OPTS.push(['predict --shard 3/2', ['predict', '--config', '@c.json', '--shard', '3/2'], '--shard']);
OPTS.push(['predict --shard x', ['predict', '--config', '@c.json', '--shard', 'x'], '--shard']);
OPTS.push(['predict --batch-size 0', ['predict', '--config', '@c.json', '--batch-size', '0'], '--batch-size']);
OPTS.push(['predict --chunk-size -1', ['predict', '--config', '@c.json', '--chunk-size', '-1'], '--chunk-size']);
OPTS.push(['registry show id abc', ['registry', 'show', '@r.sqlite', 'abc'], 'abc']);
OPTS.push(['unknown command', ['frobnicate'], 'unknown command']);
OPTS.push(['decode unknown option', [...decodeArgs, '--beamsize', '3'], "unknown option '--beamsize'"]);
OPTS.push(['decode missing --out', ['decode', '--model', '$MODEL', '--data', '$VALID'], '--out']);
for (const [label, args, fragment] of OPTS) add({ name: `option: ${label}`, files: { 'p.jsonl': P_ROW, 'c.json': seedConfig(), 'valid.jsonl': `${GOOD}\n`, 'voc.txt': 'набей\n', 'out/.keep': '', 'models/m.pt': 'copy:$MODEL' }, args, message: [fragment] });

// 4. Model files that break the contract or contradict their weights: the file and the field.
for (const [file, fragment] of [
  ['no_encode.pt', "no 'encode' method"], ['bad_arity.pt', "method 'encode' takes 2 argument(s)"], ['no_metadata.pt', 'no neuroswipe.json'],
  ['bad_metadata.pt', 'neuroswipe.json is not valid JSON'], ['metadata_missing_field.pt', 'missing field n_classes'], ['corrupt.pt', 'not a loadable TorchScript model'],
  ['contradicts_n_classes.pt', 'n_classes: 30'], ['contradicts_d_model.pt', 'd_model: 64'], ['contradicts_n_heads.pt', 'n_heads: 8'],
  ['contradicts_n_decoder_layers.pt', 'n_decoder_layers: 3'], ['contradicts_kv_layout.pt', 'kv_layout: "rows"'], ['contradicts_max_curve_len.pt', 'max_curve_len: 500'],
  ['contradicts_n_traj_feats.pt', 'n_traj_feats / key_input / n_key_columns: 9'], ['contradicts_key_input.pt', 'n_traj_feats / key_input / n_key_columns: 6'],
] as [string, string][]) {
  add({ name: `model: ${file}`, args: ['decode', '--model', `$FIX/${file}`, '--data', '$VALID', '--out', '@out.jsonl'], message: [file, fragment] });
}

// 5. Prediction files (evaluate, aggregate, submit): file, line and field.
const BAD_ROWS: [string, string, string][] = [
  ['invalid JSON', '{"index": 1,', 'invalid JSON'],
  ['no index', '{"grid_name":"default","candidates":[[1,"а"]]}', 'index'],
  ['index a string', '{"index":"1","grid_name":"default","candidates":[[1,"а"]]}', 'index'],
  ['candidates not an array', '{"index":1,"grid_name":"default","candidates":"а"}', 'candidates'],
  ['candidate not a pair', '{"index":1,"grid_name":"default","candidates":[[1]]}', 'candidates[0]'],
  ['candidate word a number', '{"index":1,"grid_name":"default","candidates":[[1,2]]}', 'candidates[0]'],
  ['metadata line not first', '{"neuroswipe_prediction":1,"predictor":{}}', 'neuroswipe_prediction'],
];
for (const [label, row, field] of BAD_ROWS) {
  const content = `{"index":0,"grid_name":"default","candidates":[[1.5,"набей"]]}\n${row}\n`;
  add({ name: `evaluate: prediction line 2: ${label}`, files: { 'p.jsonl': content }, args: ['evaluate', '--predictions', '@p.jsonl', '--data', '$VALID'], message: ['@p.jsonl:2', field] });
  add({ name: `aggregate: prediction line 2: ${label}`, files: { 'p.jsonl': content }, args: ['aggregate', '--method', 'appendage', '--inputs', '@p.jsonl', '--vocab', '$VOCAB', '--out', '@out.jsonl'], message: ['@p.jsonl:2', field] });
  add({ name: `submit: prediction line 2: ${label}`, files: { 'p.jsonl': content }, args: ['submit', '--predictions', '@p.jsonl', '--data', '$VALID', '--out', '@out.csv'], message: ['@p.jsonl:2', field] });
}

// 6. Configs for predict and reproduce: the config file and field.
const CONFIGS: [string, string, string[], string[]][] = [
  ['invalid JSON', '{"prediction_config": ', [], ['@c.json', 'JSON']],
  ['not an object', '[]', [], ['@c.json']],
  ['unknown generator', seedConfig({ generator: 'sampling' }), [], ['@c.json', 'generator']],
  ['beam option for greedy', seedConfig({ generator_call_kwargs: { beamsize: 3 } }), [], ['@c.json', 'beamsize']],
  ['max_steps_n a string', seedConfig({ generator_call_kwargs: { max_steps_n: 'x' } }), [], ['@c.json', 'max_steps_n']],
  ['model_params not a list', seedConfig({ model_params: 'm.pt' }), [], ['@c.json', 'model_params']],
  ['model_params entry short', seedConfig({ model_params: [['default', 'm1_bigger']] }), [], ['@c.json', 'model_params']],
  ['unknown architecture', seedConfig({ model_params: [['default', 'm9', 'm.pt']] }), [], ['@c.json', 'model_params[0][1]']],
  ['data split unknown', seedConfig({ data_split: 'train' }), [], ['@c.json', 'data_split']],
  ['unknown member', seedConfig({ beam_width: 3 }), [], ['@c.json', 'beam_width']],
  ['--set __proto__', seedConfig(), ['--set', '__proto__.polluted=1'], ['__proto__', 'not allowed']],
  ['--set constructor', seedConfig(), ['--set', 'constructor.prototype.x=1'], ['constructor', 'not allowed']],
  ['--set prototype', seedConfig(), ['--set', 'generator_call_kwargs.prototype=1'], ['prototype', 'not allowed']],
  ['--set value with __proto__', seedConfig(), ['--set', 'generator_call_kwargs={"__proto__":{"x":1}}'], ['__proto__', 'not allowed']],
  ['--set without =', seedConfig(), ['--set', 'generator'], ['--set generator', 'path=value']],
  ['--set empty segment', seedConfig(), ['--set', 'a..b=1'], ['empty segment']],
  ['--set through a string', seedConfig(), ['--set', 'generator.x=1'], ['generator is "greedy", not an object or array']],
  ['--set unknown field', seedConfig(), ['--set', 'generator_call_kwargs.beam_size=4'], ['beam_size']],
  ['missing weights file', seedConfig({ model_params: [['default', 'm1_bigger', 'gone.pt']] }), [], ['model_params[0][2]: file not found', 'gone.pt']],
];
for (const [label, text, extra, fragments] of CONFIGS) {
  add({ name: `predict config: ${label}`, files: { 'c.json': text, 'valid.jsonl': `${GOOD}\n`, 'voc.txt': 'набей\n', 'out/.keep': '', 'models/m.pt': 'copy:$MODEL' }, args: ['predict', '--config', '@c.json', '--quiet', ...extra], message: fragments });
}
const MISSING_WEIGHTS: [string, string, string[], string[]] = ['weights file not found', seedConfig(), [], ['@c.json', 'model_params[0][2]: file not found']];
for (const [label, text, extra, fragments] of [...CONFIGS.slice(0, 3), ...CONFIGS.slice(10, 14), MISSING_WEIGHTS]) {
  const withAggregation = text.startsWith('{"prediction_config":{') ? `${text.slice(0, -1)},"aggregation_config":{}}` : text;
  add({
    name: `reproduce config: ${label}`, files: { 'c.json': withAggregation, 'data/test.jsonl': `${GOOD}\n`, 'data/voc.txt': 'набей\n' },
    args: ['reproduce', '--config', '@c.json', '--weights-dir', '@', '--data-dir', '@data', '--out', '@out.csv', '--work-dir', '@work', '--quiet', ...extra],
    message: fragments, mayCreate: ['work'],
  });
}

// 7. Vocabulary and grids files.
add({ name: 'synth: 5,000-letter word', files: { 'v.txt': `дом\n${'а'.repeat(5000)}\n` }, args: ['synth', '--vocab', '@v.txt', '--count', '3', '--out', '@out.jsonl'], message: ['@v.txt:2', 'has 5000 letters', '32767'] });
add({ name: 'synth: not a letter of any alphabet', files: { 'v.txt': 'дом\ncafé\n' }, args: ['synth', '--vocab', '@v.txt', '--count', '3', '--out', '@out.jsonl'], message: ['@v.txt:2', 'unexpected character "é"'] });
add({ name: 'synth: Latin words on the Russian grid', files: { 'v.txt': 'hello\nworld\n' }, args: ['synth', '--vocab', '@v.txt', '--count', '3', '--out', '@out.jsonl'], message: ['@v.txt', 'no word can be swiped on grid "default"', 'line 1: "hello", has no key for "h"'] });
add({ name: 'synth: no usable word', files: { 'v.txt': 'ъъ\n' }, args: ['synth', '--vocab', '@v.txt', '--count', '3', '--out', '@out.jsonl'], message: ['@v.txt', 'no word can be swiped'] });
add({ name: 'synth: --missing error', files: { 'v.txt': 'дом\nобъем\n' }, args: ['synth', '--vocab', '@v.txt', '--count', '3', '--missing', 'error', '--out', '@out.jsonl'], message: ['@v.txt:2', 'объем', 'ъ'] });
for (const [label, grids, fragment] of [
  ['grids not JSON', '{"default": ', 'JSON'],
  ['grids an array', '[]', ''],
  ['grid without keys', '{"default": {"grid_name": "default", "width": 1080, "height": 667}}', 'keys'],
  ['grid key without hitbox', '{"default": {"grid_name": "default", "width": 1080, "height": 667, "keys": [{"label": "а"}]}}', 'hitbox'],
  ['grid width a string', '{"default": {"grid_name": "default", "width": "wide", "height": 667, "keys": []}}', 'width'],
  ['grid without grid_name', '{"default": {"width": 1080, "height": 667, "keys": []}}', 'default.grid_name'],
] as [string, string, string][]) {
  add({ name: `grids file: ${label} (features)`, files: { 'g.json': grids }, args: ['features', '--data', '$VALID', '--grids', '@g.json', '--transform', 'nearest_key_only', '--out', '@out.jsonl'], message: ['@g.json', fragment] });
  add({ name: `grids file: ${label} (synth)`, files: { 'g.json': grids }, args: ['synth', '--vocab', '$VOCAB', '--grids', '@g.json', '--count', '2', '--out', '@out.jsonl'], message: ['@g.json', fragment] });
}

// 8. Registries that are not registries; separate-grid inputs.
add({ name: 'registry list: not SQLite', files: { 'r.sqlite': 'hello, not a database\n' }, args: ['registry', 'list', '@r.sqlite'], message: ['@r.sqlite'] });
add({ name: 'registry merge: not SQLite', files: { 'r.sqlite': 'hello\n' }, args: ['registry', 'merge', '--out', '@m.sqlite', '@r.sqlite'], message: ['@r.sqlite'] });
const GRIDS = JSON.parse(readFileSync(fileURLToPath(new URL('../../data/gridname_to_grid.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
const inline = (line: string): string => {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return line;
  }
  const c = (o as Record<string, unknown>)?.curve as Record<string, unknown> | undefined;
  if (typeof c === 'object' && c !== null && !Array.isArray(c) && typeof c.grid_name === 'string') {
    c.grid = GRIDS[c.grid_name] ?? { ...(GRIDS.default as object), grid_name: c.grid_name };
    delete c.grid_name;
  }
  return JSON.stringify(o);
};
for (const [label, line, field, problem] of BAD_LINES.filter(([l]) => !['no grid', 'grid name a number', 'unknown grid name', 'grid and grid_name differ'].includes(l)).slice(0, 16)) {
  add({ name: `separate-grid: line 2: ${label}`, files: { 'in.jsonl': `${inline(GOOD)}\n${inline(line)}\n` }, args: ['separate-grid', '@in.jsonl', '--out', '@out.jsonl', '--grids-out', '@g.json'], message: [at('@in.jsonl', 2, field, problem)] });
}

// 9. Outputs: a missing folder (every writer and every output of a command), an output that exists
// (without --force), an output that is one of the inputs, two outputs that are one file. The message names
// the output; nothing is created and no existing file changes (read-only and full file systems and signals:
// test/hostile/write-faults.test.ts).
const OUT_FILES = { 'data.jsonl': `${GOOD}\n`, 'p.jsonl': P_ROW, 'voc.txt': 'набей\nнабег\n', 'freq.tsv': 'набей\t3\nнабег\t1\n', 'inline.jsonl': `${inline(GOOD)}\n` };
const WRITERS: [string, (o: Record<string, string>) => string[]][] = [
  ['decode --out', (o) => ['decode', '--model', '$MODEL', '--data', '@data.jsonl', '--generator', 'greedy', '--max-steps', '3', '--out', o.out ?? '@out.jsonl']],
  ['features --out (json)', (o) => ['features', '--data', '@data.jsonl', '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--out', o.out ?? '@out.jsonl']],
  ['features --out (binary)', (o) => ['features', '--data', '@data.jsonl', '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--format', 'binary', '--out', o.out ?? '@out.bin']],
  ['synth --out', (o) => ['synth', '--vocab', '@voc.txt', '--count', '3', '--out', o.out ?? '@out.jsonl', '--ref-out', o.second ?? '@out.ref', '--quiet']],
  ['synth --ref-out', (o) => ['synth', '--vocab', '@voc.txt', '--count', '3', '--out', o.second ?? '@out.jsonl', '--ref-out', o.out ?? '@out.ref', '--quiet']],
  ['separate-grid --out', (o) => ['separate-grid', '@inline.jsonl', '--out', o.out ?? '@out.jsonl', '--grids-out', o.second ?? '@g.json']],
  ['separate-grid --grids-out', (o) => ['separate-grid', '@inline.jsonl', '--out', o.second ?? '@out.jsonl', '--grids-out', o.out ?? '@g.json']],
  ['aggregate --out', (o) => ['aggregate', '--method', 'weighted', '--weights', '1', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', o.out ?? '@out.jsonl', '--save-state', o.second ?? '@state.json']],
  ['aggregate --save-state', (o) => ['aggregate', '--method', 'weighted', '--weights', '1', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', o.second ?? '@out.jsonl', '--save-state', o.out ?? '@state.json']],
  ['submit --out', (o) => ['submit', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--out', o.out ?? '@out.csv']],
  ['baseline --out', (o) => ['baseline', '--data', '@data.jsonl', '--vocab', '@voc.txt', '--threads', '1', '--out', o.out ?? '@out.jsonl', '--csv', o.second ?? '@out.csv']],
  ['baseline --csv', (o) => ['baseline', '--data', '@data.jsonl', '--vocab', '@voc.txt', '--threads', '1', '--out', o.second ?? '@out.jsonl', '--csv', o.out ?? '@out.csv']],
  ['fit-prior --out', (o) => ['fit-prior', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--prior', '@freq.tsv', '--out', o.out ?? '@fit.json']],
];
for (const [label, argv] of WRITERS) {
  add({ name: `output: ${label} into a missing folder`, files: OUT_FILES, args: argv({ out: '@no/such/dir/out.x' }), message: ['@no/such/dir/out.x: cannot write: ENOENT: no such file or directory'] });
  add({ name: `output: ${label} exists, no --force`, files: { ...OUT_FILES, 'old.out': 'keep me\n' }, args: argv({ out: '@old.out' }), message: ['@old.out: already exists (use --force to overwrite)'] });
  add({ name: `output: ${label} is a folder`, files: { ...OUT_FILES, 'dir.out/.keep': '' }, args: [...argv({ out: '@dir.out' }), '--force'], message: ['@dir.out: is a folder'] });
}
// An output that is an input is refused even with --force: the input would be destroyed.
const SELF: [string, string[], string][] = [
  ['decode --out = --data', ['decode', '--model', '$MODEL', '--data', '@data.jsonl', '--out', '@data.jsonl'], '@data.jsonl'],
  ['decode --out = --model', ['decode', '--model', '@m.pt', '--data', '@data.jsonl', '--out', '@m.pt'], '@m.pt'],
  ['features --out = --data', ['features', '--data', '@data.jsonl', '--transform', 'nearest_key_only', '--out', '@data.jsonl'], '@data.jsonl'],
  ['features --out = --grids', ['features', '--data', '@data.jsonl', '--grids', '@grids.json', '--transform', 'nearest_key_only', '--out', '@grids.json'], '@grids.json'],
  ['synth --out = --vocab', ['synth', '--vocab', '@voc.txt', '--count', '3', '--out', '@voc.txt'], '@voc.txt'],
  ['synth --ref-out = --vocab', ['synth', '--vocab', '@voc.txt', '--count', '3', '--out', '@s.jsonl', '--ref-out', '@voc.txt'], '@voc.txt'],
  ['separate-grid --out = input', ['separate-grid', '@inline.jsonl', '--out', '@inline.jsonl', '--grids-out', '@g.json'], '@inline.jsonl'],
  ['separate-grid --grids-out = input', ['separate-grid', '@inline.jsonl', '--out', '@o.jsonl', '--grids-out', '@inline.jsonl'], '@inline.jsonl'],
  ['aggregate --out = --inputs', ['aggregate', '--method', 'appendage', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', '@p.jsonl'], '@p.jsonl'],
  ['aggregate --out = second input', ['aggregate', '--method', 'appendage', '--inputs', '@q.jsonl', '@p.jsonl', '--vocab', '@voc.txt', '--out', '@p.jsonl'], '@p.jsonl'],
  ['aggregate --out = --vocab', ['aggregate', '--method', 'appendage', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', '@voc.txt'], '@voc.txt'],
  ['aggregate --save-state = --inputs', ['aggregate', '--method', 'weighted', '--weights', '1', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', '@o.jsonl', '--save-state', '@p.jsonl'], '@p.jsonl'],
  ['aggregate --save-state = --state', ['aggregate', '--method', 'weighted', '--state', '@state.json', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', '@o.jsonl', '--save-state', '@state.json'], '@state.json'],
  ['submit --out = --data', ['submit', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--out', '@data.jsonl'], '@data.jsonl'],
  ['submit --out = --predictions', ['submit', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--out', '@p.jsonl'], '@p.jsonl'],
  ['submit --out = --baseline', ['submit', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--baseline', '@b.csv', '--out', '@b.csv'], '@b.csv'],
  ['baseline --out = --data', ['baseline', '--data', '@data.jsonl', '--vocab', '@voc.txt', '--out', '@data.jsonl'], '@data.jsonl'],
  ['baseline --csv = --vocab', ['baseline', '--data', '@data.jsonl', '--vocab', '@voc.txt', '--out', '@o.jsonl', '--csv', '@voc.txt'], '@voc.txt'],
  ['evaluate --results = --predictions', ['evaluate', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--results', '@p.jsonl'], '@p.jsonl'],
  ['evaluate --results = --data', ['evaluate', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--results', '@data.jsonl'], '@data.jsonl'],
  ['predictions merge --out = a part', ['predictions', 'merge', '--out', '@p.jsonl', '@p.jsonl'], '@p.jsonl'],
  ['registry merge --out = an input', ['registry', 'merge', '--out', '@r.sqlite', '@r.sqlite'], '@r.sqlite'],
  ['reproduce --out = --config', ['reproduce', '--config', '@c.json', '--weights-dir', '@', '--data-dir', '@', '--out', '@c.json'], '@c.json'],
  ['fit-prior --out = --prior', ['fit-prior', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--prior', '@freq.tsv', '--out', '@freq.tsv'], '@freq.tsv'],
];
for (const [label, args, file] of SELF) {
  add({
    name: `output = input: ${label}`,
    files: { ...OUT_FILES, 'q.jsonl': P_ROW, 'm.pt': 'copy:$MODEL', 'grids.json': 'copy:$GRIDS', 'b.csv': 'набей\n', 'state.json': '{}\n', 'r.sqlite': '', 'c.json': '{}\n' },
    args: [...args, '--force'].filter((a, i, all) => !(a === '--force' && (all[0] === 'registry' || all[0] === 'evaluate'))),
    message: [`${file}: the output is also an input`],
  });
}
// Two outputs of one command that are one file.
for (const [label, args] of [
  ['synth --out = --ref-out', ['synth', '--vocab', '@voc.txt', '--count', '3', '--out', '@s.jsonl', '--ref-out', '@s.jsonl']],
  ['separate-grid --out = --grids-out', ['separate-grid', '@inline.jsonl', '--out', '@o.json', '--grids-out', '@o.json']],
  ['aggregate --out = --save-state', ['aggregate', '--method', 'weighted', '--weights', '1', '--inputs', '@p.jsonl', '--vocab', '@voc.txt', '--out', '@o.json', '--save-state', '@o.json']],
  ['baseline --out = --csv', ['baseline', '--data', '@data.jsonl', '--vocab', '@voc.txt', '--out', '@o.txt', '--csv', '@o.txt']],
] as [string, string[]][]) {
  add({ name: `outputs: ${label}`, files: OUT_FILES, args, message: [/@o\.json|@o\.txt|@s\.jsonl/, 'given for two outputs'] });
}
// Word-frequency files (synth --frequency, decode --prior, fit-prior): file, line and field named.
for (const [label, text, line, field, problem] of [
  ['a count that is not a number', 'набей\t3\nнабег\tmany\n', 2, 'count', 'expected a non-negative number, got "many"'],
  ['a negative count', 'набей\t-3\n', 1, 'count', 'expected a non-negative number, got "-3"'],
  ['a word listed twice', 'набей\t3\nнабей\t1\n', 2, 'word', '"набей" is listed twice'],
] as [string, string, number, string, string][]) {
  const files = { ...OUT_FILES, 'bad.tsv': text };
  add({ name: `fit-prior --prior: ${label}`, files, args: ['fit-prior', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--prior', '@bad.tsv'], message: [at('@bad.tsv', line, field, problem)] });
  add({ name: `synth --frequency: ${label}`, files, args: ['synth', '--vocab', '@voc.txt', '--frequency', '@bad.tsv', '--count', '3', '--out', '@out.jsonl'], message: [at('@bad.tsv', line, field, problem)] });
  add({ name: `decode --prior: ${label}`, files, args: ['decode', '--model', '$MODEL', '--data', '@data.jsonl', '--prior', '@bad.tsv', '--prior-weight', '0.1', '--out', '@out.jsonl'], message: [at('@bad.tsv', line, field, problem)] });
}
// Long swipes in predict: file and line named, before any decoding.
{
  const x = Array.from({ length: 300 }, (_, i) => 100 + (i % 500));
  const long = JSON.stringify({ word: 'набей', curve: { x, y: x.map(() => 200), t: x.map((_, i) => i * 5), grid_name: 'default' } });
  add({
    name: 'predict: a swipe longer than the model accepts',
    files: { 'c.json': seedConfig(), 'valid.jsonl': `${GOOD}\n${long}\n`, 'voc.txt': 'набей\n', 'out/.keep': '', 'models/m.pt': 'copy:$MODEL' },
    args: ['predict', '--config', '@c.json', '--quiet'],
    message: ['@valid.jsonl:2: curve.x: 300 points, but the model accepts at most 299 (max_curve_len)'],
    mayCreate: ['out'],
  });
  add({ name: 'predict: --long-swipes truncate', files: { 'c.json': seedConfig() }, args: ['predict', '--config', '@c.json', '--long-swipes', 'truncate'], message: ['--long-swipes: expected fail or skip, got "truncate"'] });
  add({ name: 'decode: a swipe longer than the model accepts', files: { 'data.jsonl': `${GOOD}\n${GOOD}\n${long}\n` }, args: ['decode', '--model', '$MODEL', '--data', '@data.jsonl', '--generator', 'greedy', '--max-steps', '3', '--out', '@out.jsonl'], message: ['@data.jsonl:3: curve.x: 300 points, but the model accepts at most 299 (max_curve_len); pass --long-swipes skip'] });
}

// 10. Blank lines in JSONL (refused by every reader as "empty line") and vocabularies without a word (every
// word-list reader), --vocab without --use-vocab, a predict grid that matches no swipe.
const BLANK_DATA = `${GOOD}\n\n${validLines[1]}\n`;
const BLANK_PREDS = `${P_ROW}\n{"index":1,"grid_name":"default","candidates":[[1,"а"]]}\n`;
for (const [label, args, fragment] of [
  ['decode --data', ['decode', '--model', '$MODEL', '--data', '@blank.jsonl', '--generator', 'greedy', '--max-steps', '3', '--out', '@out.jsonl'], '@blank.jsonl:2: (line): empty line'],
  ['features --data', ['features', '--data', '@blank.jsonl', '--transform', 'nearest_key_only', '--out', '@out.jsonl'], '@blank.jsonl:2: (line): empty line'],
  ['baseline --data', ['baseline', '--data', '@blank.jsonl', '--vocab', '$VOCAB', '--voc-size', '50', '--out', '@out.jsonl'], '@blank.jsonl:2: (line): empty line'],
  ['evaluate --data', ['evaluate', '--predictions', '@p.jsonl', '--data', '@blank.jsonl'], '@blank.jsonl:2: (line): empty line'],
  ['submit --data', ['submit', '--predictions', '@p.jsonl', '--data', '@blank.jsonl', '--out', '@out.csv'], '@blank.jsonl:2: (line): empty line'],
  ['evaluate --predictions', ['evaluate', '--predictions', '@bp.jsonl', '--data', '$VALID'], '@bp.jsonl:2'],
  ['aggregate --inputs', ['aggregate', '--method', 'appendage', '--inputs', '@bp.jsonl', '--vocab', '$VOCAB', '--out', '@out.jsonl'], '@bp.jsonl:2'],
  ['separate-grid input', ['separate-grid', '@blank-inline.jsonl', '--out', '@out.jsonl', '--grids-out', '@g.json'], '@blank-inline.jsonl:2: (line): empty line'],
] as [string, string[], string][]) {
  add({ name: `blank JSONL line: ${label}`, files: { 'blank.jsonl': BLANK_DATA, 'blank-inline.jsonl': `${inline(GOOD)}\n\n${inline(GOOD)}\n`, 'p.jsonl': P_ROW, 'bp.jsonl': BLANK_PREDS }, args, message: [fragment] });
}
for (const [label, args] of [
  ['decode --use-vocab', ['decode', '--model', '$MODEL', '--data', '$VALID', '--use-vocab', '--vocab', '@v.txt', '--out', '@out.jsonl']],
  ['aggregate --vocab', ['aggregate', '--method', 'appendage', '--inputs', '@p.jsonl', '--vocab', '@v.txt', '--out', '@out.jsonl']],
  ['baseline --vocab', ['baseline', '--data', '$VALID', '--vocab', '@v.txt', '--out', '@out.jsonl']],
  ['synth --vocab', ['synth', '--vocab', '@v.txt', '--count', '3', '--out', '@out.jsonl']],
] as [string, string[]][]) {
  add({ name: `vocabulary of blank lines: ${label}`, files: { 'v.txt': '\n  \n\t\n', 'p.jsonl': P_ROW }, args, message: ['@v.txt', 'vocabulary is empty'] });
  add({ name: `empty vocabulary file: ${label}`, files: { 'v.txt': '', 'p.jsonl': P_ROW }, args, message: ['@v.txt', 'vocabulary is empty'] });
}
add({ name: 'decode --vocab without --use-vocab', files: { 'v.txt': 'набей\n' }, args: ['decode', '--model', '$MODEL', '--data', '$VALID', '--vocab', '@v.txt', '--out', '@out.jsonl'], message: ['@v.txt is only read with --use-vocab'] });
add({
  name: 'predict: a grid that matches no swipe',
  files: { 'c.json': seedConfig({ model_params: [['defualt', 'm1_bigger', 'm.pt']] }), 'valid.jsonl': `${GOOD}\n`, 'voc.txt': 'набей\n', 'out/.keep': '', 'models/m.pt': 'copy:$MODEL' },
  args: ['predict', '--config', '@c.json', '--quiet'],
  message: ['@c.json', 'defualt'],
  mayCreate: ['out'],
});

// 11. Hostile input, second round (issue 30).
// Predictions joined to a data file they were not made on: a recorded data hash that differs, rows for part
// of the data without --subset (one check, lib/evaluate/join.ts, for evaluate, fit-prior, aggregate --fit-on).
{
  const two = `${GOOD}\n${validLines[1]}\n`;
  const wrongHash = `{"neuroswipe_prediction":1,"predictor":{"model_name":"m","data_sha256":"${'0'.repeat(64)}"}}\n${P_ROW}${'{"index":1,"grid_name":"default","candidates":[[1,"а"]]}'}\n`;
  const JOINS: [string, (p: string, extra: string[]) => string[]][] = [
    ['evaluate', (p, extra) => ['evaluate', '--predictions', p, '--data', '@two.jsonl', ...extra]],
    ['fit-prior', (p, extra) => ['fit-prior', '--predictions', p, '--data', '@two.jsonl', '--prior', '@freq.tsv', ...extra]],
    ['aggregate --fit-on', (p, extra) => ['aggregate', '--method', 'weighted', '--inputs', p, '--fit-on', p, '--data', '@two.jsonl', '--vocab', '@voc.txt', '--out', '@out.jsonl', ...extra]],
  ];
  for (const [label, argv] of JOINS) {
    const files = { 'two.jsonl': two, 'p.jsonl': P_ROW, 'wrong.jsonl': wrongHash, 'freq.tsv': 'набей\t3\nнабег\t1\n', 'voc.txt': 'набей\nнабег\n' };
    add({ name: `${label}: predictions of another data file (recorded hash)`, files, args: argv('@wrong.jsonl', []), message: ['@wrong.jsonl: the predictions were made on another data file', 'data_sha256 000000000000', '@two.jsonl'] });
    add({ name: `${label}: 1 prediction row for 2 data lines without --subset`, files, args: argv('@p.jsonl', []), message: ['@p.jsonl: 1 prediction row for the 2 lines of @two.jsonl on grid default', '--subset'] });
  }
  add({ name: 'evaluate --subset: part of the data is scored', files: { 'two.jsonl': two, 'p.jsonl': P_ROW }, args: ['evaluate', '--predictions', '@p.jsonl', '--data', '@two.jsonl', '--subset'], code: 0, message: [] });
}
// serve: --vocab is read only with --use-vocab, the rule of decode.
add({ name: 'serve --vocab without --use-vocab', files: { 'v.txt': 'набей\n' }, args: ['serve', '--model', '$MODEL', '--vocab', '@v.txt', '--port', '0'], message: ['--vocab @v.txt is only read with --use-vocab'] });
// JSON nested far deeper than any input needs (200,000 arrays): file, line and field, no stack overflow.
{
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const deepLine = `{"word":"набей","curve":{"x":${deep},"y":[1],"t":[1],"grid_name":"default"}}`;
  const depth = 'JSON nested deeper than 64 levels';
  const files = {
    'deep.jsonl': `${GOOD}\n${deepLine}\n`, 'p.jsonl': P_ROW, 'deep-p.jsonl': `${P_ROW}{"index":1,"grid_name":"default","candidates":${deep}}\n`,
    'state.json': `{"a":${deep}}`, 'g.json': `{"default":{"keys":${deep}}}`, 'c.json': `{"prediction_config":{"model_params":${deep}}}`,
    'valid.jsonl': `${GOOD}\n`, 'voc.txt': 'набей\n', 'out/.keep': '', 'models/m.pt': 'copy:$MODEL',
  };
  for (const [label, args, fragment] of [
    ['decode --data', ['decode', '--model', '$MODEL', '--data', '@deep.jsonl', '--generator', 'greedy', '--max-steps', '3', '--out', '@out.jsonl'], '@deep.jsonl:2: curve.x[0][0][0][0]…: '],
    ['features --data', ['features', '--data', '@deep.jsonl', '--transform', 'nearest_key_only', '--out', '@out.jsonl'], '@deep.jsonl:2: curve.x[0][0][0][0]…: '],
    ['baseline --data', ['baseline', '--data', '@deep.jsonl', '--vocab', '$VOCAB', '--voc-size', '50', '--out', '@out.jsonl'], '@deep.jsonl:2: curve.x[0][0][0][0]…: '],
    ['evaluate --data', ['evaluate', '--predictions', '@p.jsonl', '--data', '@deep.jsonl'], '@deep.jsonl:2: curve.x[0][0][0][0]…: '],
    ['evaluate --predictions', ['evaluate', '--predictions', '@deep-p.jsonl', '--data', '$VALID'], '@deep-p.jsonl:2: candidates[0][0][0][0][0]…: '],
    ['aggregate --state', ['aggregate', '--method', 'weighted', '--inputs', '@p.jsonl', '--vocab', '$VOCAB', '--state', '@state.json', '--out', '@out.jsonl'], '@state.json:1: a[0][0][0][0][0]…: '],
    ['features --grids', ['features', '--data', '$VALID', '--grids', '@g.json', '--transform', 'nearest_key_only', '--out', '@out.jsonl'], '@g.json:1: default.keys[0][0][0][0]…: '],
    ['predict --config', ['predict', '--config', '@c.json', '--quiet'], '@c.json:1: prediction_config.model_params[0][0][0][0]…: '],
  ] as [string, string[], string][]) {
    add({ name: `deeply nested JSON: ${label}`, files, args, message: [`${fragment}${depth}`] });
  }
}
// Word-frequency files whose counts are all 0: the file and the cause, in every reader.
{
  const files = { ...OUT_FILES, 'zero.tsv': 'набей\t0\nнабег\t0\n' };
  const msg = '@zero.tsv: count: every count is 0';
  add({ name: 'fit-prior --prior: every count 0', files, args: ['fit-prior', '--predictions', '@p.jsonl', '--data', '@data.jsonl', '--prior', '@zero.tsv'], message: [msg] });
  add({ name: 'synth --frequency: every count 0', files, args: ['synth', '--vocab', '@voc.txt', '--frequency', '@zero.tsv', '--count', '3', '--out', '@out.jsonl'], message: [msg] });
  add({ name: 'decode --prior: every count 0', files, args: ['decode', '--model', '$MODEL', '--data', '@data.jsonl', '--prior', '@zero.tsv', '--prior-weight', '0.1', '--out', '@out.jsonl'], message: [msg] });
}
// A folder where a file is expected: the path named (not EISDIR, not a zip reader's message).
for (const [label, args, fragment] of [
  ['decode --data', ['decode', '--model', '$MODEL', '--data', '@dir', '--out', '@out.jsonl'], '@dir: is a folder, expected a data file'],
  ['decode --data (quiet)', ['decode', '--model', '$MODEL', '--data', '@dir', '--quiet', '--out', '@out.jsonl'], '@dir: is a folder, expected a data file'],
  ['features --data', ['features', '--data', '@dir', '--transform', 'nearest_key_only', '--out', '@out.jsonl'], '@dir: is a folder, expected a data file'],
  ['baseline --data', ['baseline', '--data', '@dir', '--vocab', '$VOCAB', '--out', '@out.jsonl'], '@dir: is a folder, expected a data file'],
  ['evaluate --data', ['evaluate', '--predictions', '@p.jsonl', '--data', '@dir'], '@dir: is a folder, expected a data file'],
  ['evaluate --predictions', ['evaluate', '--predictions', '@dir', '--data', '$VALID'], '@dir: is a folder, expected a prediction file'],
  ['decode --model', ['decode', '--model', '@dir', '--data', '$VALID', '--out', '@out.jsonl'], '@dir: is a folder, expected a TorchScript model file'],
] as [string, string[], string][]) {
  add({ name: `a folder as ${label}`, files: { 'dir/.keep': '', 'p.jsonl': P_ROW }, args, message: [fragment] });
}

export const CASES: readonly BadInputCase[] = cases;
