// cfgen invoke local: runs one Node.js Lambda handler the way the Lambda runtime calls it
// (async handlers, promises and callback-style handlers).
// Usage: node invoke.js CONFIG.json  (written by cfgen; see crates/cfgen-cli/src/invoke.rs)
// The result goes to the file CONFIG names, never to stdout, which belongs to the handler.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const url = require('url');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const event = JSON.parse(fs.readFileSync(cfg.event_path, 'utf8'));

let finished = false;
function finish(outcome, code) {
  if (finished) return;
  finished = true;
  fs.writeFileSync(cfg.result_path, JSON.stringify(outcome));
  process.exit(code);
}

function errorOf(e, type) {
  if (e instanceof Error) {
    const stack = String(e.stack || '').split('\n').slice(1).map((l) => l.trim()).filter((l) => !l.includes(__filename));
    return { error: { errorType: type || e.name || 'Error', errorMessage: e.message, stackTrace: stack } };
  }
  return { error: { errorType: type || typeof e, errorMessage: typeof e === 'string' ? e : JSON.stringify(e) || String(e), stackTrace: [] } };
}

function succeed(result) {
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch (e) {
    finish(errorOf(e, 'Runtime.MarshalError'), 1);
    return;
  }
  finish({ result: JSON.parse(text) }, 0);
}

async function load() {
  const base = path.resolve(cfg.task_root, cfg.module);
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const file = base + ext;
    if (!fs.existsSync(file)) continue;
    if (ext === '.mjs') return import(url.pathToFileURL(file).href);
    try {
      return require(file);
    } catch (e) {
      if (e && e.code === 'ERR_REQUIRE_ESM') return import(url.pathToFileURL(file).href);
      throw e;
    }
  }
  const e = new Error(`Cannot find module '${cfg.module}' (looked for .js, .mjs and .cjs under ${cfg.task_root})`);
  e.name = 'Runtime.ImportModuleError';
  e.stack = '';
  throw e;
}

function findHandler(mod) {
  for (const root of [mod, mod && mod.default]) {
    let h = root;
    for (const part of cfg.handler.split('.')) h = h == null ? undefined : h[part];
    if (typeof h === 'function') return h;
  }
  return undefined;
}

async function main() {
  let mod;
  try {
    mod = await load();
  } catch (e) {
    finish(errorOf(e, 'Runtime.ImportModuleError'), 1);
    return;
  }
  const handler = findHandler(mod);
  if (!handler) {
    finish({ error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `${cfg.module}.${cfg.handler} is undefined or not exported`, stackTrace: [] } }, 1);
    return;
  }
  const start = Date.now();
  const d = new Date();
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  const logStreamName = `${day}/[$LATEST]${crypto.randomBytes(16).toString('hex')}`;
  process.env.AWS_LAMBDA_LOG_STREAM_NAME = logStreamName;

  // A callback result waits for the event loop to empty, as Lambda does by default.
  let pending = null;
  const callback = (err, result) => {
    if (pending) return;
    pending = err != null ? () => finish(errorOf(err), 1) : () => succeed(result);
    if (!context.callbackWaitsForEmptyEventLoop) pending();
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: cfg.function_name,
    functionVersion: '$LATEST',
    invokedFunctionArn: cfg.function_arn,
    memoryLimitInMB: String(cfg.memory_mb),
    awsRequestId: crypto.randomUUID(),
    logGroupName: cfg.log_group_name,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(cfg.timeout_ms - (Date.now() - start), 0),
    done: (err, result) => callback(err, result),
    succeed: (result) => callback(null, result),
    fail: (err) => callback(err),
  };
  process.on('beforeExit', () => (pending ? pending() : succeed(null)));
  setTimeout(() => finish({ timeout: true }, 124), cfg.timeout_ms).unref();

  let ret;
  try {
    ret = handler(event, context, callback);
  } catch (e) {
    finish(errorOf(e), 1);
    return;
  }
  if (ret && typeof ret.then === 'function') {
    ret.then(
      (r) => succeed(r),
      (e) => finish(errorOf(e), 1)
    );
  }
}

main();
