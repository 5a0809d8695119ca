/**
 * lib/model/python.ts: finding the Python interpreter that has PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { canImportTorch, findTorchPython, resetTorchPythonCache, torchPythonCandidates } from '../../lib/model/python.js';

describe('findTorchPython', () => {
  afterEach(() => resetTorchPythonCache());

  it('tries $NEUROSWIPE_PYTHON first, then python3, then /usr/bin/python3', () => {
    expect(torchPythonCandidates({ NEUROSWIPE_PYTHON: '/opt/py/bin/python' })).toEqual([
      '/opt/py/bin/python',
      'python3',
      '/usr/bin/python3',
    ]);
    expect(torchPythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
    expect(torchPythonCandidates({ NEUROSWIPE_PYTHON: '  ' })).toEqual(['python3', '/usr/bin/python3']);
  });

  it('returns an interpreter that imports torch, and caches it', () => {
    const python = findTorchPython();
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+/);
    expect(findTorchPython()).toBe(python);
  });

  it('skips a $NEUROSWIPE_PYTHON that does not exist', () => {
    const saved = process.env.NEUROSWIPE_PYTHON;
    process.env.NEUROSWIPE_PYTHON = '/nonexistent/python3';
    try {
      expect(canImportTorch('/nonexistent/python3')).toBe(false);
      expect(findTorchPython()).not.toBe('/nonexistent/python3');
    } finally {
      if (saved === undefined) delete process.env.NEUROSWIPE_PYTHON;
      else process.env.NEUROSWIPE_PYTHON = saved;
    }
  });
});
