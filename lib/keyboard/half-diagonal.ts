/**
 * Average half key diagonal (seed `get_avg_half_key_diag`).
 */
import { SEED_CYRILLIC_ALPHABET } from './alphabet.js';
import { keyLabel, type Grid } from './grid.js';

/**
 * Mean of `sqrt(w² + h²) / 2` over the keys whose label is allowed, summed in grid order (double
 * precision). With the default candidates the Cyrillic `ё` key is excluded (seed alphabet quirk).
 * @throws Error when no key is allowed
 */
export function avgHalfKeyDiagonal(grid: Grid, candidates: readonly string[] = SEED_CYRILLIC_ALPHABET): number {
  const allowed = new Set(candidates);
  let sum = 0;
  let n = 0;
  for (const key of grid.keys) {
    if (!allowed.has(keyLabel(key))) continue;
    const { w, h } = key.hitbox;
    sum += Math.sqrt(w * w + h * h) / 2;
    n++;
  }
  if (n === 0) throw new Error(`grid ${JSON.stringify(grid.grid_name)}: no allowed key for the half key diagonal`);
  return sum / n;
}
