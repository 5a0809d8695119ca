/**
 * Reading a prediction config: JSON, `--set` overrides, schema validation, strict generator options,
 * file checks, and the conversion of both formats into one {@link PredictionPlan}.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { applyOverrides, parseOverride } from './overrides.js';
import { validateConfigDocument } from './schema.js';
import { strictDecodingOptions } from './generator-options.js';
import type { PredictionPlan, PredictorEntry } from './plan.js';
import { DEFAULT_CHUNK_SIZE, DEFAULT_DEVICE } from '../decode/defaults.js';
import { VOCABULARY_OPTIONS, type VocabularyOptions } from '../options/schema.js';
import { seedVocabularyOptions, vocabularyDefaults, vocabularyOptionsOf } from '../options/vocabulary-options.js';
import { checkDecodingRules, optionPath, type ContextTerm, type RuleInput, type RuleNaming, type RuleTerm } from '../options/rules.js';
import { parseJsonFile } from '../io/json.js';
import { engineConfigValues } from '../options/engine.js';

type Obj = Record<string, unknown>;

/** Joins like Python's `os.path.join(a, b)` for relative `b`: no separator after an empty or `/`-ended `a`. */
export function pyJoin(a: string, b: string): string {
  if (b.startsWith('/')) return b;
  if (a === '' || a.endsWith('/')) return a + b;
  return `${a}/${b}`;
}

function mustExist(path: string, where: string, kind: 'file' | 'dir'): void {
  if (!existsSync(path)) throw new Error(`${where}: ${kind === 'dir' ? 'folder' : 'file'} not found: ${path}`);
  const isDir = statSync(path).isDirectory();
  if (kind === 'dir' && !isDir) throw new Error(`${where}: not a folder: ${path}`);
  if (kind === 'file' && isDir) throw new Error(`${where}: is a folder, expected a file: ${path}`);
}

/** The config's own field names of the rule terms (relative to its section). */
/** A config format's names of the rules' terms: the context's, and where the generator's options sit. */
interface ConfigNames {
  context: Record<ContextTerm, string>;
  /** The member holding the generator's own options, and which of an option's names the format uses. */
  options: { prefix: string; key: 'name' | 'seed' };
}

const SEED_NAMES: ConfigNames = {
  context: { generator: 'generator', useVocabulary: 'use_vocab_for_generation', vocabulary: 'voc_path', prior: 'prior_path', seedScoring: 'a seed-format config' },
  options: { prefix: 'generator_call_kwargs', key: 'seed' },
};
const NATIVE_NAMES: ConfigNames = {
  context: { generator: 'generator', useVocabulary: 'useVocabulary', vocabulary: 'vocabulary', prior: 'prior', seedScoring: 'seedScoring' },
  options: { prefix: 'decoding', key: 'name' },
};

/** A term by its config field. */
function configName(t: RuleTerm, names: ConfigNames): string {
  return typeof t === 'string' ? names.context[t] : optionPath(t, names.options.prefix, names.options.key);
}

/** The cross-option rules in a config's words: `file: section.field: problem`. */
function configNaming(at: (field: string) => string, names: ConfigNames): RuleNaming {
  const flag = (t: RuleTerm) => t === 'useVocabulary';
  return {
    name: (t) => configName(t, names),
    need: (t) => (flag(t) ? 'it must be true' : 'missing field'),
    drop: (t) => (flag(t) ? 'it must be false' : `drop ${configName(t, names)}`),
    fail: (t, text) => new Error(`${at(configName(t, names))}: ${text}`),
  };
}

/**
 * The cross-option rules (lib/options/rules.ts) and the files of the post-processing steps: the vocabulary
 * file that Levenshtein repair repairs to, and the prior's frequency file.
 * @returns the frequency file, when the prior is on
 * @throws Error naming the file and the field
 */
function searchFiles(x: RuleInput, f: { vocabularyPath: string | undefined; priorPath: string | undefined; at: (field: string) => string; names: ConfigNames }): string | undefined {
  checkDecodingRules(x, configNaming(f.at, f.names));
  if (f.vocabularyPath !== undefined) mustExist(f.vocabularyPath, f.at(f.names.context.vocabulary), 'file');
  if (f.priorPath !== undefined) mustExist(f.priorPath, f.at(f.names.context.prior), 'file');
  return f.priorPath;
}

/**
 * Reads, overrides, validates and resolves a prediction config.
 * @param path - the config file (seed `prediction_config` or neuroswipe `predict` format)
 * @param sets - `--set a.b=c` arguments, applied in order before validation
 * @throws Error naming the file and the field for invalid JSON, unknown or mistyped fields, missing
 *   members, bad generator options, and files or folders that do not exist
 */
export function loadPredictionConfig(path: string, sets: readonly string[] = [], flags: VocabularyOptions = {}): PredictionPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read config: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseJsonFile(text, path);
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    applyOverrides(doc as Obj, sets.map(parseOverride));
    // A command-line option of the vocabulary overrides the config's, in the config's own naming.
    const section = (doc as Obj).prediction_config ?? (doc as Obj).predict;
    const seedFormat = 'prediction_config' in doc;
    for (const o of VOCABULARY_OPTIONS) {
      const v = (flags as Obj)[o.name];
      if (v !== undefined && typeof section === 'object' && section !== null) (section as Obj)[seedFormat ? o.seed : o.name] = v;
    }
  }
  validateConfigDocument(doc, path);
  const d = doc as Obj;
  return 'prediction_config' in d ? fromSeed(d.prediction_config as Obj, path) : fromNative(d.predict as Obj, path);
}

function fromSeed(c: Obj, file: string): PredictionPlan {
  const at = (field: string) => `${file}: prediction_config.${field}`;
  const res = (p: string) => resolve(p);
  const split = c.data_split as 'val' | 'test';
  const splits = c.data_split__to__path as Record<string, string>;
  if (splits[split] === undefined) throw new Error(`${at(`data_split__to__path.${split}`)}: missing field (data_split is ${JSON.stringify(split)})`);
  const dataPath = res(splits[split]);
  mustExist(dataPath, at(`data_split__to__path.${split}`), 'file');
  const gridsPath = typeof c.grid_name_to_grid__path === 'string' ? res(c.grid_name_to_grid__path) : undefined;
  if (gridsPath !== undefined) mustExist(gridsPath, at('grid_name_to_grid__path'), 'file');
  const vocabularyPath = res(c.voc_path as string);
  mustExist(vocabularyPath, at('voc_path'), 'file');
  const outDir = res(c.out_path as string);
  mustExist(outDir, at('out_path'), 'dir');
  const modelsRoot = c.models_root as string;
  mustExist(res(modelsRoot === '' ? '.' : modelsRoot), at('models_root'), 'dir');
  const predictors: PredictorEntry[] = (c.model_params as [string, string, string][]).map(([grid, arch, w], i) => {
    const field = `prediction_config.model_params[${i}]`;
    const weights = pyJoin(modelsRoot, w);
    const weightsFile = res(weights);
    mustExist(weightsFile, `${file}: ${field}[2]`, 'file');
    return { grid, architecture: arch, weights, weightsName: w, weightsFile, field };
  });
  const decoding = strictDecodingOptions(c.generator, c.generator_call_kwargs as Obj, 'seed', at('generator_call_kwargs'));
  const seedPrior = typeof c.prior_path === 'string' ? res(c.prior_path) : undefined;
  const priorPath = searchFiles(
    {
      generator: decoding.generator, decoding, useVocabulary: c.use_vocab_for_generation as boolean, vocabulary: true, prior: seedPrior !== undefined, seedScoring: true,
      ...vocabularyOptionsOf(c, 'seed'),
    },
    { vocabularyPath, priorPath: seedPrior, at, names: SEED_NAMES },
  );
  const flag = (k: string) => { const v = c[k]; return typeof v === 'boolean' ? v : undefined; };
  return {
    configPath: file,
    format: 'seed',
    split,
    dataPath,
    gridsPath,
    vocabularyPath,
    ...(priorPath !== undefined ? { priorPath } : {}),
    useVocabulary: c.use_vocab_for_generation as boolean,
    // The seed's configs use the vocabulary as the seed does.
    ...(c.use_vocab_for_generation === true ? seedVocabularyOptions() : {}),
    decoding,
    transform: {
      name: c.transform_name as string,
      includeCoords: flag('include_coords'),
      includeTime: flag('include_time'),
      includeVelocities: flag('include_velocities'),
      includeAccelerations: flag('include_accelerations'),
    },
    nClasses: typeof c.n_classes === 'number' ? c.n_classes : null,
    outDir,
    predictors,
    // The seed's predictor always ran on the CPU; here the device is every command's default (auto: the
    // CPU where libtorch has no CUDA or no GPU is visible), and `--device cpu` gives the seed's.
    device: DEFAULT_DEVICE,
    chunkSize: DEFAULT_CHUNK_SIZE,
  };
}

function fromNative(c: Obj, file: string): PredictionPlan {
  const base = dirname(resolve(file));
  const at = (field: string) => `${file}: predict.${field}`;
  const res = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const split = c.split as 'val' | 'test';
  const data = c.data as Record<string, string>;
  if (data[split] === undefined) throw new Error(`${at(`data.${split}`)}: missing field (split is ${JSON.stringify(split)})`);
  const dataPath = res(data[split]);
  mustExist(dataPath, at(`data.${split}`), 'file');
  const gridsPath = typeof c.grids === 'string' ? res(c.grids) : undefined;
  if (gridsPath !== undefined) mustExist(gridsPath, at('grids'), 'file');
  const useVocabulary = c.useVocabulary as boolean;
  const vocabularyPath = typeof c.vocabulary === 'string' ? res(c.vocabulary) : undefined;
  if (vocabularyPath !== undefined) mustExist(vocabularyPath, at('vocabulary'), 'file');
  else if (useVocabulary) throw new Error(`${at('vocabulary')}: missing field (useVocabulary is true)`);
  const outDir = res(c.outDir as string);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new Error(`${at('outDir')}: not a folder: ${outDir}`);
  mkdirSync(outDir, { recursive: true });
  const modelsRoot = typeof c.modelsRoot === 'string' ? c.modelsRoot : '';
  if (modelsRoot !== '') mustExist(res(modelsRoot), at('modelsRoot'), 'dir');
  const predictors: PredictorEntry[] = (c.models as Obj[]).map((m, i) => {
    const field = `predict.models[${i}]`;
    const weights = pyJoin(modelsRoot, m.weights as string);
    const weightsFile = res(weights);
    mustExist(weightsFile, `${file}: ${field}.weights`, 'file');
    return { grid: m.grid as string, architecture: m.architecture as string, weights, weightsName: m.weights as string, weightsFile, field };
  });
  const dec = c.decoding as Obj;
  const decoding = strictDecodingOptions(dec.generator, dec, 'native', at('decoding'));
  const nativePrior = typeof c.prior === 'string' ? res(c.prior) : undefined;
  const vocabulary = vocabularyOptionsOf(c);
  const priorPath = searchFiles(
    { generator: decoding.generator, decoding, useVocabulary, vocabulary: vocabularyPath !== undefined, prior: nativePrior !== undefined, ...vocabulary },
    { vocabularyPath: undefined, priorPath: nativePrior, at, names: NATIVE_NAMES },
  );
  const t = (c.transform ?? {}) as Obj;
  const flag = (k: string) => { const v = t[k]; return typeof v === 'boolean' ? v : undefined; };
  return {
    configPath: file,
    format: 'native',
    split,
    dataPath,
    gridsPath,
    vocabularyPath,
    ...(priorPath !== undefined ? { priorPath } : {}),
    useVocabulary,
    ...(useVocabulary ? { ...vocabularyDefaults(), ...vocabulary } : {}),
    decoding,
    transform: {
      name: typeof t.name === 'string' ? t.name : undefined,
      includeCoords: flag('includeCoords'),
      includeTime: flag('includeTime'),
      includeVelocities: flag('includeVelocities'),
      includeAccelerations: flag('includeAccelerations'),
    },
    nClasses: typeof c.nClasses === 'number' ? c.nClasses : null,
    outDir,
    registryPath: typeof c.registry === 'string' ? res(c.registry) : undefined,
    predictors,
    device: DEFAULT_DEVICE,
    chunkSize: DEFAULT_CHUNK_SIZE,
    // The engine options the section gives (lib/options/engine.ts), over those defaults.
    ...(engineConfigValues(c, `${file}: predict`) as Partial<Pick<PredictionPlan, 'device' | 'batchSize' | 'workers' | 'threads' | 'chunkSize'>>),
  };
}
