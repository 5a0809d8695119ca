/**
 * `--set a.b=c` overrides applied to a parsed config before validation (Hydra-style dotted paths).
 */
import { JsonDepthError, parseJson } from '../io/json.js';

/** One parsed `--set` argument. */
export interface Override {
  /** Dotted path segments; array elements are addressed by their 0-based number. */
  path: string[];
  /** The value: the text parsed as JSON when it is valid JSON, otherwise the text as a string. */
  value: unknown;
  /** The argument as given, for messages. */
  source: string;
}

/**
 * Path segments that would reach an object's prototype chain rather than a config member; refused in every
 * override path so that `--set __proto__.x=1` cannot change `Object.prototype`.
 */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses `a.b.c=value`. `true`, `12`, `null`, `"x"`, `[1,2]` and `{"k":1}` are JSON; anything else is a string.
 * @throws Error naming the argument when it has no `=`, an empty path segment or a prototype segment
 *   (`__proto__`, `constructor`, `prototype`)
 */
export function parseOverride(arg: string): Override {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`--set ${arg}: expected path=value (for example prediction_config.generator=greedy)`);
  const path = arg.slice(0, eq).split('.');
  if (path.some((p) => p.length === 0)) throw new Error(`--set ${arg}: empty segment in the path ${JSON.stringify(arg.slice(0, eq))}`);
  const bad = path.find((p) => FORBIDDEN_SEGMENTS.has(p));
  if (bad !== undefined) {
    throw new Error(`--set ${arg}: the path segment ${JSON.stringify(bad)} is not allowed (it names an object's prototype, not a config member)`);
  }
  const text = arg.slice(eq + 1);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    if (err instanceof JsonDepthError) throw new Error(`--set ${arg}: ${err.message}`, { cause: err });
    value = text;
  }
  const badKey = prototypeKey(value);
  if (badKey !== undefined) {
    throw new Error(`--set ${arg}: the value has a member named ${JSON.stringify(badKey)}, which is not allowed (it names an object's prototype, not a config member)`);
  }
  return { path, value, source: arg };
}

/** The first member name in a parsed JSON value (at any depth) that is a prototype segment, if any. */
function prototypeKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN_SEGMENTS.has(k)) return k;
    const inner = prototypeKey(v);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies overrides in order to a parsed config (mutating it). When the first segment is not a top-level
 * member and the config has a single section (`prediction_config` or `predict`), the path is taken inside
 * that section, so `--set generator=greedy` works on a seed config. Missing objects along the path are
 * created; array elements must exist (or be the next one).
 * @param config - the parsed config document
 * @param overrides - parsed `--set` arguments
 * @throws Error naming the argument when the path runs through a value that is not an object or array
 */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly Override[]): void {
  for (const o of overrides) {
    const bad = o.path.find((p) => FORBIDDEN_SEGMENTS.has(p));
    if (bad !== undefined) {
      throw new Error(`--set ${o.source}: the path segment ${JSON.stringify(bad)} is not allowed (it names an object's prototype, not a config member)`);
    }
    let path = o.path;
    const head = path[0];
    if (head !== undefined && !Object.hasOwn(config, head)) {
      const sections = ['prediction_config', 'predict'].filter((s) => isObject(config[s]));
      const [only] = sections;
      if (sections.length === 1 && only !== undefined) path = [only, ...path];
    }
    let node: unknown = config;
    for (const [i, seg] of path.entries()) {
      const last = i === path.length - 1;
      const at = path.slice(0, i).join('.') || '(root)';
      if (Array.isArray(node)) {
        if (!/^\d+$/.test(seg) || Number(seg) > node.length) {
          throw new Error(`--set ${o.source}: ${at} is an array of ${node.length}; ${JSON.stringify(seg)} is not an element index`);
        }
        const k = Number(seg);
        if (last) node[k] = o.value;
        else {
          if (node[k] === undefined) node[k] = {};
          node = node[k];
        }
      } else if (isObject(node)) {
        if (last) node[seg] = o.value;
        else {
          if (!Object.hasOwn(node, seg)) node[seg] = {};
          node = node[seg];
        }
      } else {
        throw new Error(`--set ${o.source}: ${at} is ${JSON.stringify(node)}, not an object or array`);
      }
    }
  }
}
