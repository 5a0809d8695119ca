/**
 * Test set-up: makes the real TorchScript fixtures (random-initialised exports of seed architectures and
 * deliberately broken model files) with python3 + torch, once; later runs reuse them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from '../lib/model/python.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export default function setup(): void {
  const script = `${root}python/make_test_models.py`;
  if (!existsSync(script)) return;
  execFileSync(findTorchPython(), [script, '--out', `${root}test/fixtures/generated`], { stdio: 'inherit', cwd: root });
}
