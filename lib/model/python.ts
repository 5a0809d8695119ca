/**
 * Locating a Python interpreter with PyTorch, for the export and fixture scripts under `python/`.
 * Python is never used on the prediction path.
 */
import { spawnSync } from 'node:child_process';

let cached: string | undefined;

/** Interpreters tried by {@link findTorchPython}, in order: `$NEUROSWIPE_PYTHON` (when set), `python3`, `/usr/bin/python3`. */
export function torchPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list: string[] = [];
  const fromEnv = env.NEUROSWIPE_PYTHON;
  if (fromEnv !== undefined && fromEnv.trim() !== '') list.push(fromEnv.trim());
  for (const c of ['python3', '/usr/bin/python3']) if (!list.includes(c)) list.push(c);
  return list;
}

/** Whether `python` runs and can `import torch`. */
export function canImportTorch(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

/**
 * Returns the first of `$NEUROSWIPE_PYTHON`, `python3`, `/usr/bin/python3` that can `import torch`.
 * The answer is cached for the life of the process.
 * @throws Error listing the interpreters tried and how to install PyTorch when none has it
 */
export function findTorchPython(): string {
  if (cached !== undefined) return cached;
  const tried = torchPythonCandidates();
  for (const python of tried) {
    if (canImportTorch(python)) {
      cached = python;
      return python;
    }
  }
  throw new Error(
    `No Python interpreter with PyTorch found (tried: ${tried.join(', ')}). ` +
      'Install PyTorch: on Debian/Ubuntu `apt-get install python3-torch`, elsewhere `pip install torch`; ' +
      'or set NEUROSWIPE_PYTHON to an interpreter that can `import torch`.',
  );
}

/** Forgets the cached interpreter (for tests that change `NEUROSWIPE_PYTHON`). */
export function resetTorchPythonCache(): void {
  cached = undefined;
}
