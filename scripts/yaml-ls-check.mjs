#!/usr/bin/env node
// Drives a real yaml-language-server over stdio (LSP) with cfgen's schema, as an editor would:
// - completion inside `provider`, `functions.<name>` and an `events` item offers the expected keys;
// - a misspelt key is flagged on its line;
// - no given file (golden ok inputs, corpus configs) gets a diagnostic on a line where cfgen
//   itself reports no schema finding (CFG2xx): the editor and the compiler agree, and a valid file
//   gets no squiggle at all. A file cfgen warns is not YAML 1.2 (CFG101: js-yaml reads it, the
//   editor's parser does not) counts as agreed whatever the editor says of it.
//
// Usage: node scripts/yaml-ls-check.mjs SERVER_BIN SCHEMA_JSON CFGEN_BIN FILE...
// (YAML_LS_LIST_AGREED=1 also lists the files flagged where cfgen reports the same finding.)
// (scripts/yaml-ls-check installs the pinned server with npm and calls this.)
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [serverBin, schemaPath, cfgenBin, ...files] = process.argv.slice(2);
if (!serverBin || !schemaPath || !cfgenBin) {
  console.error("usage: yaml-ls-check.mjs SERVER_BIN SCHEMA_JSON CFGEN_BIN FILE...");
  process.exit(2);
}
const schemaUri = pathToFileURL(resolve(schemaPath)).href;
const CUSTOM_TAGS = [
  "Ref", "Condition", "GetAtt", "Sub", "Join", "Split", "Select", "If", "Not", "Equals", "And", "Or",
  "FindInMap", "ImportValue", "GetAZs", "Base64", "Cidr", "Transform", "ToJsonString", "Length",
].flatMap((t) => [`!${t} scalar`, `!${t} sequence`, `!${t} mapping`]);
const settings = {
  yaml: {
    validate: true,
    completion: true,
    hover: true,
    schemaStore: { enable: false },
    schemas: { [schemaUri]: ["*.yml", "*.yaml"] },
    customTags: CUSTOM_TAGS,
  },
};

const child = spawn(process.execPath, [serverBin, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
let buf = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
const diagnostics = new Map();
const diagWaiters = new Map();

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((res, rej) => {
    pending.set(id, { res, rej });
    setTimeout(() => rej(new Error(`timeout waiting for ${method}`)), 20000);
  });
}
function notify(method, params) {
  send({ method, params });
}
child.stdout.on("data", (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const head = buf.indexOf("\r\n\r\n");
    if (head < 0) return;
    const m = /Content-Length: (\d+)/i.exec(buf.slice(0, head).toString());
    const len = Number(m[1]);
    if (buf.length < head + 4 + len) return;
    const msg = JSON.parse(buf.slice(head + 4, head + 4 + len).toString("utf8"));
    buf = buf.slice(head + 4 + len);
    handle(msg);
  }
});
function handle(msg) {
  if (msg.id !== undefined && (msg.result !== undefined || msg.error !== undefined) && !msg.method) {
    const p = pending.get(msg.id);
    if (p) {
      pending.delete(msg.id);
      msg.error ? p.rej(new Error(JSON.stringify(msg.error))) : p.res(msg.result);
    }
    return;
  }
  if (msg.method === "workspace/configuration") {
    send({ id: msg.id, result: msg.params.items.map((it) => (it.section ? settings[it.section] ?? null : settings)) });
    return;
  }
  if (msg.id !== undefined && msg.method) {
    send({ id: msg.id, result: null });
    return;
  }
  if (msg.method === "textDocument/publishDiagnostics") {
    diagnostics.set(msg.params.uri, msg.params.diagnostics);
    const w = diagWaiters.get(msg.params.uri);
    if (w) {
      diagWaiters.delete(msg.params.uri);
      w(msg.params.diagnostics);
    }
  }
}
let version = 0;
function open(uri, text) {
  const p = new Promise((res) => diagWaiters.set(uri, res));
  notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version: ++version, text } });
  return Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`no diagnostics for ${uri}`)), 20000))]);
}
function close(uri) {
  notify("textDocument/didClose", { textDocument: { uri } });
}

// Lines where cfgen reports a warning or an error for `file`.
function cfgenSchemaLines(file) {
  // As the oracle and corpus-check run a case: stage dev, us-east-1, the env its oracle.json lists.
  let env = { ...process.env };
  try {
    env = { ...env, ...(JSON.parse(readFileSync(resolve(dirname(file), "oracle.json"), "utf8")).env || {}) };
  } catch {}
  const args = ["validate", basename(file), "--diagnostics", "json", "--stage", "dev", "--region", "us-east-1"];
  const r = spawnSync(resolve(cfgenBin), args, { cwd: dirname(file), encoding: "utf8", env });
  const lines = new Set();
  for (const l of (r.stderr || "").split("\n").concat((r.stdout || "").split("\n"))) {
    if (!l.startsWith("{")) continue;
    try {
      const d = JSON.parse(l);
      if (d.line && d.severity !== "info") lines.add(d.line);
      // A CFG101 warning: js-yaml reads a line YAML 1.2 refuses; the editor's parser refuses
      // it, and loses its way in the lines after it.
      if (d.code === "CFG101" && d.severity === "warning") lines.yaml12 = true;
    } catch {}
  }
  return lines;
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

async function completionLabels(name, text, marker) {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(marker));
  const character = lines[line].indexOf(marker);
  const uri = `file:///virtual/${name}/serverless.yml`;
  await open(uri, text.replace(marker, ""));
  const res = await request("textDocument/completion", { textDocument: { uri }, position: { line, character } });
  close(uri);
  const items = Array.isArray(res) ? res : res?.items ?? [];
  return new Set(items.map((i) => i.label));
}

async function main() {
  await request("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: { completion: { completionItem: { snippetSupport: true } }, publishDiagnostics: {} },
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    },
  });
  notify("initialized", {});
  notify("workspace/didChangeConfiguration", { settings });

  const base = "service: demo\nprovider:\n  name: aws\n  runtime: python3.12\n";
  const expectKeys = async (what, text, keys) => {
    const labels = await completionLabels(what, text, "@@");
    const missing = keys.filter((k) => !labels.has(k));
    check(missing.length === 0, `${what}: completion offers ${keys.join(", ")}${missing.length ? ` (missing: ${missing.join(", ")}; got ${[...labels].slice(0, 15).join(", ")})` : ""}`);
  };
  await expectKeys("provider", `${base}  @@\n`, ["memorySize", "timeout", "environment", "iam", "stage", "region", "httpApi", "apiGateway"]);
  await expectKeys("functions.<name>", `${base}functions:\n  hello:\n    handler: handler.main\n    @@\n`, ["memorySize", "timeout", "events", "environment", "layers", "runtime", "url"]);
  await expectKeys("events item", `${base}functions:\n  hello:\n    handler: handler.main\n    events:\n      - @@\n`, ["http", "httpApi", "sqs", "schedule", "s3", "sns", "stream", "eventBridge"]);
  await expectKeys("http event", `${base}functions:\n  hello:\n    handler: handler.main\n    events:\n      - http:\n          @@\n`, ["path", "method", "cors", "authorizer"]);

  {
    const uri = "file:///virtual/misspelt/serverless.yml";
    const text = `${base}functions:\n  hello:\n    handler: handler.main\n    memorySiz: 512\n`;
    const diags = await open(uri, text);
    close(uri);
    const hit = diags.find((d) => d.range.start.line === 7);
    check(!!hit, `misspelt key flagged on its line (line 8)${hit ? `: ${hit.message.split("\n")[0]}` : `; got ${JSON.stringify(diags.map((d) => [d.range.start.line, d.message]))}`}`);
  }

  let clean = 0;
  let agreed = 0;
  const severities = {};
  const dirty = [];
  for (const f of files) {
    const flagged = cfgenSchemaLines(f);
    const uri = pathToFileURL(resolve(f)).href;
    const diags = await open(uri, readFileSync(f, "utf8"));
    close(uri);
    const extra = flagged.yaml12 ? [] : diags.filter((d) => !flagged.has(d.range.start.line + 1));
    for (const d of diags) severities[d.severity] = (severities[d.severity] || 0) + 1;
    if (diags.length === 0) clean++;
    else if (extra.length === 0) {
      agreed++;
      if (process.env.YAML_LS_LIST_AGREED) console.log(`  agreed: ${f}: ${diags.map((d) => `${d.range.start.line + 1}: ${d.message.split("\n")[0]}`).join("; ")}`);
    }
    else dirty.push([f, extra]);
  }
  console.log(`  diagnostics by LSP severity (1 error, 2 warning): ${JSON.stringify(severities)}`);
  for (const [f, diags] of dirty) {
    for (const d of diags.slice(0, 5)) console.log(`  ${f}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message.split("\n")[0]}`);
  }
  check(
    dirty.length === 0,
    `no false diagnostics: ${clean} files clean, ${agreed} flagged only where cfgen reports a schema finding too, ${dirty.length} with others (of ${files.length})`,
  );
  await request("shutdown", null).catch(() => {});
  notify("exit", null);
  child.kill();
  console.log(failures === 0 ? "yaml-language-server: all checks passed" : `yaml-language-server: ${failures} check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
}
main().catch((e) => {
  console.error(`yaml-ls-check: ${e.stack || e}`);
  child.kill();
  process.exit(1);
});
