/**
 * Names and shapes of the feature transforms (seed `get_val_transform`).
 */

/** The five transform names the seed accepts. */
export type TransformName =
  | 'traj_feats_and_nearest_key'
  | 'traj_feats_and_distance_weights'
  | 'nearest_key_only'
  | 'traj_feats_and_distances__actual'
  | 'traj_feats_and_xy';

/** Every {@link TransformName}, in the order of the spec's table. */
export const TRANSFORM_NAMES: readonly TransformName[] = Object.freeze([
  'traj_feats_and_nearest_key',
  'traj_feats_and_distance_weights',
  'nearest_key_only',
  'traj_feats_and_distances__actual',
  'traj_feats_and_xy',
]);

/** The seed's three distance-weight functions. */
export type WeightsFunctionName = 'weights_function_v1' | 'weights_function_v1_softmax' | 'weights_function_sigmoid_normalized_v1';

/** Every {@link WeightsFunctionName}. */
export const WEIGHTS_FUNCTION_NAMES: readonly WeightsFunctionName[] = Object.freeze([
  'weights_function_v1',
  'weights_function_v1_softmax',
  'weights_function_sigmoid_normalized_v1',
]);

/** A weight function with its parameters: `w = sigmoid(s · (−scale) + bias)` then the variant's step. */
export interface WeightsFunctionSpec {
  /** Which function. */
  name: WeightsFunctionName;
  /** Sigmoid bias; default 4. */
  bias?: number;
  /** Sigmoid scale; default 1.8. */
  scale?: number;
}

/** A transform with its flags. */
export interface TransformSpec {
  /** Transform name (docs/SEED.md §3.6). */
  name: TransformName;
  /** Emit raw time (ms) as the third trajectory column. */
  includeTime: boolean;
  /** Emit `vx, vy` (central differences over time, pixel/ms). */
  includeVelocities: boolean;
  /** Emit `ax, ay` (central differences of the velocities); requires `includeVelocities`. */
  includeAccelerations: boolean;
  /**
   * How a zero time difference (`t[i+1] == t[i−1]`) in the central differences is handled.
   * `true`: divide anyway, as the seed does (±Infinity or NaN features).
   * `false` (default): that derivative is 0 (no time elapsed, no measurable motion), so features stay finite.
   */
  seedCompatible?: boolean;
  /** Weight function of `traj_feats_and_distance_weights`; default `weights_function_v1`, bias 4, scale 1.8. */
  weightsFunction?: WeightsFunctionSpec;
}

/** What a key column holds. */
export type KeyKind = 'nearest' | 'weights' | 'distances' | 'xy';

/** Features of one swipe, as flat typed arrays. */
export interface SwipeFeatures {
  /** Number of points `S`. */
  length: number;
  /** Trajectory feature count `F` (0 for key-only transforms). */
  nTrajFeats: number;
  /** Trajectory features `[S][F]`, row-major float32. */
  traj: Float32Array;
  /** What {@link keys} holds. */
  keyKind: KeyKind;
  /** Key columns `K` per point; 0 for `nearest` (one token per point). */
  nKeyColumns: number;
  /** `nearest`: keyboard token per point `[S]`; otherwise `[S][K]` row-major float32. */
  keys: Int32Array | Float32Array;
}

/** Number of distance/weight columns of the seed (36 keyboard tokens + `<extra_token>`). */
export const N_KEY_COLUMNS = 37;

/**
 * Checks a transform spec and returns it with defaults filled in.
 * @throws TypeError / RangeError naming the field
 */
export function normalizeTransformSpec(spec: TransformSpec): Required<TransformSpec> & { weightsFunction: Required<WeightsFunctionSpec> } {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('transform: expected an object');
  if (!TRANSFORM_NAMES.includes(spec.name)) {
    throw new RangeError(`transform.name: expected one of ${TRANSFORM_NAMES.join(', ')}, got ${JSON.stringify(spec.name)}`);
  }
  for (const f of ['includeTime', 'includeVelocities', 'includeAccelerations'] as const) {
    if (typeof spec[f] !== 'boolean') throw new TypeError(`transform.${f}: expected a boolean, got ${JSON.stringify(spec[f])}`);
  }
  if (spec.seedCompatible !== undefined && typeof spec.seedCompatible !== 'boolean') {
    throw new TypeError(`transform.seedCompatible: expected a boolean, got ${JSON.stringify(spec.seedCompatible)}`);
  }
  if (spec.includeAccelerations && !spec.includeVelocities) {
    throw new RangeError('transform.includeAccelerations: accelerations require includeVelocities');
  }
  const wf = spec.weightsFunction ?? { name: 'weights_function_v1' };
  if (!WEIGHTS_FUNCTION_NAMES.includes(wf.name)) {
    throw new RangeError(`transform.weightsFunction.name: expected one of ${WEIGHTS_FUNCTION_NAMES.join(', ')}, got ${JSON.stringify(wf.name)}`);
  }
  const bias = wf.bias ?? 4;
  const scale = wf.scale ?? 1.8;
  if (typeof bias !== 'number' || !Number.isFinite(bias)) throw new RangeError(`transform.weightsFunction.bias: expected a finite number, got ${bias}`);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new RangeError(`transform.weightsFunction.scale: expected a finite number, got ${scale}`);
  return {
    name: spec.name,
    includeTime: spec.includeTime,
    includeVelocities: spec.includeVelocities,
    includeAccelerations: spec.includeAccelerations,
    seedCompatible: spec.seedCompatible ?? false,
    weightsFunction: { name: wf.name, bias, scale },
  };
}

/** Trajectory feature count `F` a transform emits (0 for `nearest_key_only`). */
export function trajFeatureCount(spec: Pick<TransformSpec, 'name' | 'includeTime' | 'includeVelocities' | 'includeAccelerations'>): number {
  if (spec.name === 'nearest_key_only') return 0;
  return 2 + (spec.includeTime ? 1 : 0) + (spec.includeVelocities ? 2 : 0) + (spec.includeAccelerations ? 2 : 0);
}
