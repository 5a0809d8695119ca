/** `neuroswipe info`: what the addon's libtorch can do on this machine. */
import { Option, type Command } from 'commander';
import { integerArg } from './parse-number.js';
import { runtimeInfo, setNumThreads, defaultThreadCount } from '../runtime.js';
import { nativeAddonPath } from '../native.js';

/** Registers `info`. */
export function register(program: Command): void {
  program
    .command('info')
    .description("print the addon's libtorch (version, where it was loaded from), whether it is a CUDA build, the GPUs visible, precisions, thread count and the addon file (built, or the package's prebuilt one)")
    .option('--json', 'print as JSON')
    .addOption(new Option('--threads <n>', 'intra-op threads to use').argParser(integerArg(1, 1024)).default(undefined, 'one per core'))
    .action((opts: { json?: boolean; threads?: number }) => {
      setNumThreads(opts.threads ?? defaultThreadCount());
      const info = runtimeInfo();
      const device = info.cudaAvailable ? 'cuda:0' : 'cpu';
      // float16 runs on CUDA only (Model.load refuses it on the CPU).
      const precisions = info.cudaAvailable ? ['float32', 'bfloat16', 'float16'] : ['float32', 'bfloat16'];
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ...info, defaultDevice: device, precisions, addon: nativeAddonPath() }, null, 2) + '\n');
        return;
      }
      const rt = info.cudaRuntime;
      const cudaBuild = info.cudaBuild
        ? `yes, libtorch_cuda linked; CUDA runtime ${rt ? `${rt.version || 'unknown version'} (${rt.library})` : 'not found'}` +
          (info.cudaVersionBuilt ? `; built for CUDA ${info.cudaVersionBuilt}` : '') +
          `; caching allocator ${info.cudaAllocator ? 'reachable' : 'not reachable (no CUDA runtime headers at build time)'}`
        : 'no (CPU-only libtorch)';
      const rows: [string, string][] = [
        ['libtorch', info.libtorch],
        ['libtorch from', `${info.torchSource}; loaded from ${info.torchLibraryDir || 'an unknown directory'}`],
        ['CUDA build', cudaBuild],
        ['GPU', info.cudaAvailable ? `${info.cudaDeviceCount} device(s)` : 'none visible'],
        ['default device', device],
        ['precisions', `${precisions.join(', ')} (default float32)`],
        ['threads', `${info.threads} intra-op, ${info.interopThreads} inter-op`],
        ['addon', nativeAddonPath()],
      ];
      const w = Math.max(...rows.map((r) => r[0].length));
      for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
    });
}
