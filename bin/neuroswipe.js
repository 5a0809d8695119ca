#!/usr/bin/env node
// The neuroswipe command. CommonJS (bin/package.json), so that it runs before Node's ES module loader has
// used libuv's thread pool: the pool's size is read once, when it starts, and every native search occupies
// one of its threads. Four (libuv's default) would cap `decode --workers` at four searches at once.
'use strict';
const { availableParallelism } = require('node:os');

if (process.env.UV_THREADPOOL_SIZE === undefined) {
  // One thread per core for the searches, plus libuv's default four for file I/O and the rest.
  process.env.UV_THREADPOOL_SIZE = String(Math.min(1024, availableParallelism() + 4));
}

import('../dist/cli/index.js')
  .then(({ main }) => main(process.argv))
  .catch((err) => {
    process.stderr.write(`neuroswipe: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
