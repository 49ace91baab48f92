// esbuild plugins serverless-esbuild runs on every function's build (custom.esbuild.plugins in serverless.yml).
//
// Each function is bundled as an ES module split into chunks: what only some paths need (alerting, the de-dup
// table, the hub's STS, the sweep's fan-out) sits in chunks loaded by import() on those paths. serverless-esbuild
// builds every function into one folder and leaves out of a function's zip only the other functions' handler
// files and the files named after them (`functions/sweep.*`). So each build names its chunks after its own
// handler file (`functions/check.chunk-XXXX.js`): a zip then holds its own chunks and no other function's.
// Lambda loads a .js file as an ES module when the nearest package.json says "type": "module"
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html), so one is written next to the handlers.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- osls loads this file with require */
const { mkdirSync, writeFileSync } = require('node:fs');
const { basename, extname, join } = require('node:path');

const esmChunksPerHandler = {
  name: 'esm-chunks-per-handler',
  setup(build) {
    const options = build.initialOptions;
    if (options.format !== 'esm') return;
    const entries = Array.isArray(options.entryPoints)
      ? options.entryPoints
      : Object.values(options.entryPoints ?? {});
    if (entries.length === 1 && options.splitting) {
      const entry = typeof entries[0] === 'string' ? entries[0] : entries[0].in;
      options.chunkNames = `${basename(entry, extname(entry))}.[name]-[hash]`;
    }
    build.onEnd((result) => {
      if (result.errors.length || !options.outdir) return;
      mkdirSync(options.outdir, { recursive: true });
      writeFileSync(join(options.outdir, 'package.json'), '{ "type": "module" }\n');
    });
  },
};

module.exports = [esmChunksPerHandler];
