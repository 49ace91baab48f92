// A local osls plugin: serverless-esbuild zips each function with its zip library's default, zlib's fastest
// level. Once it has, this rewrites each function's zip at zlib's best level: the same files, in the same
// order, with the same fixed dates and modes, about a tenth smaller. The result depends only on the files, so
// an unchanged function keeps the same zip and hash.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- osls loads this file with require */
const { Buffer } = require('node:buffer');
const { createWriteStream } = require('node:fs');
const { rename } = require('node:fs/promises');
const { isAbsolute, join } = require('node:path');
const { pipeline } = require('node:stream/promises');
const yauzl = require('yauzl');
const yazl = require('yazl');

async function recompress(path) {
  const input = await yauzl.openPromise(path, { lazyEntries: true });
  const output = new yazl.ZipFile();
  const written = pipeline(output.outputStream, createWriteStream(`${path}.tmp`));
  try {
    for await (const entry of input.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const chunks = [];
      for await (const chunk of await input.openReadStreamPromise(entry)) chunks.push(chunk);
      output.addBuffer(Buffer.concat(chunks), entry.fileName, {
        mtime: entry.getLastModDate(),
        mode: entry.externalFileAttributes >>> 16 || 0o100644,
        compressionLevel: 9,
        forceDosTimestamp: true,
      });
    }
  } finally {
    input.close();
  }
  output.end();
  await written;
  await rename(`${path}.tmp`, path);
}

class RecompressZips {
  constructor(serverless) {
    const all = async () => {
      for (const fn of Object.values(serverless.service.functions ?? {})) {
        const artifact = fn.package?.artifact;
        if (typeof artifact === 'string' && artifact.endsWith('.zip'))
          await recompress(isAbsolute(artifact) ? artifact : join(serverless.serviceDir, artifact));
      }
    };
    this.hooks = {
      // After serverless-esbuild's own hooks of the same events (it is listed first in serverless.yml).
      'after:package:createDeploymentArtifacts': all,
      'after:deploy:function:packageFunction': all,
    };
  }
}

module.exports = RecompressZips;
// bench-coldstart.ts zips its own builds the way a packaged function ends up.
module.exports.recompress = recompress;
