/**
 * Every fenced code block of README.md and docs/*.md, run exactly as written:
 * - `ts`: type-checked strictly (skipLibCheck off) against the package's own types (the name `neuroswipe`
 *   resolves to this checkout: dist/ must be built), then compiled and run with node;
 * - `js`: run with node as an ES module;
 * - `sh`/`bash`: run with bash -e in a temporary folder that has the package's `examples/` and a
 *   `neuroswipe` command on PATH (the checkout's bin/neuroswipe.js);
 * - `python`: run with python3 (the FEATURES_BINARY.md reader, then called on a file `features` wrote);
 * - `json`: parsed, unless it elides with `…` (an illustration of a shape).
 * Untagged blocks are text (command output, file trees, formulas), not programs. A block that cannot run
 * here is listed in NOT_RUN with the reason; every entry must still name a block of the docs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'neuroswipe.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
// Inside the checkout, so that `import 'neuroswipe'` resolves to the package itself (its exports).
const WORK = join(ROOT, '.tmp', 'doc-blocks');

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
}

/** Blocks that do not run here, each with the reason (and where it does run, if anywhere). */
const NOT_RUN: { file: string; starts: string; reason: string }[] = [
  { file: 'README.md', starts: 'bash scripts/bootstrap.sh && bash scripts/demo.sh', reason: 'sets up the machine (apt packages, npm ci, a full native build): the CI main leg runs it' },
  { file: 'README.md', starts: 'apt-get install -y libtorch-dev', reason: 'installs system packages as root and the packed tarball: test/package/pack-install.test.ts installs the tarball into a fresh app' },
  { file: 'README.md', starts: 'python3 python/export_torchscript.py', reason: "needs the seed's trained weights (CKPT.pt, voc.txt), which are not in the repository; test/export exports generated checkpoints" },
  { file: 'README.md', starts: 'bash scripts/bootstrap.sh --python', reason: 'needs a PyTorch wheel with libtorch (/path/to/python): the CI torch214 leg' },
  { file: 'docs/SERVE.md', starts: 'neuroswipe serve --use-vocab --model examples/en/model.pt', reason: 'serves on port 8080 until stopped; test/serve/cli.test.ts starts the same command on a free port' },
  { file: 'docs/SHARDING.md', starts: '#!/bin/bash', reason: 'a Slurm job script (sbatch)' },
  { file: 'docs/SHARDING.md', starts: 'jobid=$(sbatch', reason: 'submits Slurm jobs (sbatch)' },
  { file: 'docs/SHARDING.md', starts: 'apiVersion: batch/v1', reason: 'a Kubernetes Job manifest' },
];

function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/** The fenced blocks of a Markdown file (``` fences, the info string's first word as the language). */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: code block never closed`);
    out.push({ file, line: start + 1, lang: open[1] ?? '', code: body.join('\n') + '\n' });
  }
  return out;
}

const BLOCKS = docFiles().flatMap(blocksOf);
const where = (b: Block): string => `${b.file}:${b.line} (${b.lang || 'text'})`;
const skipped = (b: Block): boolean => NOT_RUN.some((n) => n.file === b.file && b.code.startsWith(n.starts));
const ofLang = (...langs: string[]): Block[] => BLOCKS.filter((b) => langs.includes(b.lang) && !skipped(b));
const slug = (b: Block): string => `${b.file.replace(/\W+/g, '_')}_${b.line}`;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'index.d.ts')), 'dist/ is built (npm run build:ts)').toBe(true);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
});

describe('code blocks of README.md and docs/', () => {
  it('each is a language this test runs, text, or listed as not run with a reason that names a real block', () => {
    const known = new Set(['ts', 'js', 'sh', 'bash', 'python', 'json', '']);
    for (const b of BLOCKS) expect(known.has(b.lang) || skipped(b), `${where(b)}: a block in a language this test does not run`).toBe(true);
    for (const n of NOT_RUN) {
      const matches = BLOCKS.filter((b) => b.file === n.file && b.code.startsWith(n.starts));
      expect(matches, `NOT_RUN entry ${n.file}: ${n.starts}`).toHaveLength(1);
      expect(n.reason.length).toBeGreaterThan(10);
    }
    // The runnable kinds are all present, so none of the tests below passes on nothing.
    for (const lang of ['ts', 'js', 'sh', 'python', 'json']) expect(ofLang(lang).length, lang).toBeGreaterThan(0);
  });

  it('TypeScript blocks type-check strictly against the package and run', { timeout: 600_000 }, () => {
    const dir = join(WORK, 'ts');
    mkdirSync(dir, { recursive: true });
    const blocks = ofLang('ts');
    for (const b of blocks) writeFileSync(join(dir, `${slug(b)}.ts`), b.code);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
        types: ['node'], outDir: 'out', rootDir: '.',
      },
      include: ['*.ts'],
    }));
    run(process.execPath, [TSC, '-p', dir], dir);
    for (const b of blocks) {
      const r = run(process.execPath, [join(dir, 'out', `${slug(b)}.js`)], dir);
      expect(r.stdout.trim().length, `${where(b)} prints something`).toBeGreaterThan(0);
    }
  });

  it('JavaScript blocks run with node', { timeout: 300_000 }, () => {
    const dir = join(WORK, 'js');
    mkdirSync(dir, { recursive: true });
    for (const b of ofLang('js')) {
      const file = join(dir, `${slug(b)}.mjs`);
      writeFileSync(file, b.code);
      const r = run(process.execPath, [file], dir);
      expect(r.stdout.trim().length, `${where(b)} prints something`).toBeGreaterThan(0);
    }
  });

  it('shell blocks run in a temporary folder with the package’s examples and the neuroswipe command', { timeout: 600_000 }, () => {
    const bin = mkdtempSync(join(tmpdir(), 'neuroswipe-doc-bin-'));
    const shim = join(bin, 'neuroswipe');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(shim, 0o755);
    for (const b of ofLang('sh', 'bash')) {
      const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-doc-sh-'));
      symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
      run('bash', ['-e', '-c', b.code], dir, { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });
    }
  });

  it('the Python reader of FEATURES_BINARY.md reads a file `neuroswipe features --format binary` wrote', { timeout: 300_000 }, () => {
    const dir = join(WORK, 'python');
    mkdirSync(dir, { recursive: true });
    const data = join(ROOT, 'examples', 'valid.jsonl');
    const common = ['features', '--data', data, '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--include-accelerations', '--limit', '20', '--quiet'];
    run(process.execPath, [BIN, ...common, '--format', 'binary', '--out', join(dir, 'f.bin')], dir);
    run(process.execPath, [BIN, ...common, '--out', join(dir, 'f.jsonl')], dir);
    const json = readFileSync(join(dir, 'f.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { traj: number[][]; keys: number[] });
    for (const b of ofLang('python')) {
      const call = `\nh, lengths, offsets, traj, keys = read_features("f.bin")\nprint(json.dumps([h["n_swipes"], lengths.tolist(), int(traj.shape[1]), keys[:5].tolist()]))\n`;
      writeFileSync(join(dir, `${slug(b)}.py`), b.code + call);
      const [n, lengths, width, firstKeys] = JSON.parse(run('python3', [join(dir, `${slug(b)}.py`)], dir).stdout) as [number, number[], number, number[]];
      expect(n).toBe(20);
      expect(lengths).toEqual(json.map((r) => r.traj.length));
      expect(width).toBe(json[0]?.traj[0]?.length);
      expect(firstKeys).toEqual(json[0]?.keys.slice(0, 5));
    }
  });

  it('JSON blocks parse, except those that elide with …', () => {
    for (const b of ofLang('json')) {
      if (b.code.includes('…')) continue;
      expect(() => JSON.parse(b.code), where(b)).not.toThrow();
    }
  });
});
