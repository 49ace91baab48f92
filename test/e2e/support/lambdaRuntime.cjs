// A stand-in for the Lambda Node.js runtime, one cold start per process: load the packaged bundle from the
// unzipped folder as Lambda does (an ES module when the nearest package.json says "type": "module" or the file
// is .mjs, CommonJS otherwise), call its exported handler once with the event and a context, and write the
// outcome to a file (stdout belongs to the function's own logs).
// Usage: node lambdaRuntime.cjs <taskRoot> <module.export> <event.json> <context.json> <out.json>
'use strict';
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- Lambda loads a CommonJS handler with require */
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

/** Whether the nearest package.json from `dir` up to `root` declares ES modules. */
function typeModule(dir, root) {
  const pj = join(dir, 'package.json');
  if (existsSync(pj)) return JSON.parse(readFileSync(pj, 'utf8')).type === 'module';
  return dir === root || dirname(dir) === dir ? false : typeModule(dirname(dir), root);
}

/**
 * The handler's module, tried in the Lambda runtime's order: .js (imported when its package.json says
 * "type": "module", else required), then .mjs (imported), then .cjs (required).
 * https://github.com/aws/aws-lambda-nodejs-runtime-interface-client (UserFunction.js)
 */
async function loadModule(modulePath, taskRoot) {
  const esm = (file) => import(pathToFileURL(file).href);
  if (existsSync(`${modulePath}.js`))
    return typeModule(dirname(modulePath), taskRoot) ? esm(`${modulePath}.js`) : require(`${modulePath}.js`);
  if (existsSync(`${modulePath}.mjs`)) return esm(`${modulePath}.mjs`);
  return require(`${modulePath}.cjs`);
}

async function main() {
  const [taskRoot, handlerSpec, eventFile, contextFile, outFile] = process.argv.slice(2);
  const dot = handlerSpec.lastIndexOf('.');
  const modulePath = join(taskRoot, handlerSpec.slice(0, dot));
  const exportName = handlerSpec.slice(dot + 1);
  process.chdir(taskRoot); // Lambda runs with the task root as working directory.
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  const fields = JSON.parse(readFileSync(contextFile, 'utf8'));
  const deadline = Date.now() + Number(fields.timeoutMs);
  const context = { ...fields, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  let outcome;
  try {
    const handler = (await loadModule(modulePath, taskRoot))[exportName];
    if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function`);
    outcome = { ok: true, result: await handler(event, context) };
  } catch (err) {
    // What Lambda's Node.js runtime reports for a rejected handler: the error's name, message and stack.
    // https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/Errors.js
    outcome = {
      ok: false,
      errorType: err && err.name,
      errorMessage: String(err && err.message),
      trace: typeof (err && err.stack) === 'string' ? err.stack.split('\n') : [],
    };
  }
  writeFileSync(outFile, JSON.stringify(outcome));
}

main().then(
  () => process.exit(0), // like Lambda: the invocation ends when the handler settles
  (err) => {
    process.stderr.write(`runtime stand-in failed: ${err && err.stack}\n`);
    process.exit(2);
  },
);
