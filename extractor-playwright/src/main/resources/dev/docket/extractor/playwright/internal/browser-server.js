'use strict';
// Docket's browser server: one chromium launched by Playwright's launchServer, serving the connections of the
// extractor's slots (one WebSocket each). Started by BrowserProcess.java as:
//   node browser-server.js <playwright package dir> <options.json> <endpoint.json>
// It writes {"wsEndpoint", "pid"} to <endpoint.json> once chromium is up, exits when chromium exits (code 3),
// and closes chromium and exits when its stdin ends: the JVM's lifeline, closed even when the JVM is killed.
const fs = require('fs');
const childProcess = require('child_process');

// Chromium honours only the last --disable-features (and --enable-features) switch: merge Playwright's own with
// Docket's and the user's, so that none is silently dropped. Applies to what this server spawns: chromium.
const spawn = childProcess.spawn;
childProcess.spawn = function (command, args, options) {
  return spawn.call(this, command, Array.isArray(args) ? mergeFeatureSwitches(args) : args, options);
};
function mergeFeatureSwitches(args) {
  const out = [];
  const merged = new Map();
  for (const arg of args) {
    const m = /^--(disable|enable)-features=(.*)$/.exec(arg);
    if (!m) {
      out.push(arg);
      continue;
    }
    if (!merged.has(m[1])) {
      merged.set(m[1], { at: out.length, names: [] });
      out.push(null);
    }
    merged.get(m[1]).names.push(...m[2].split(',').filter(Boolean));
  }
  for (const [kind, { at, names }] of merged) out[at] = `--${kind}-features=${[...new Set(names)].join(',')}`;
  return out;
}
const [, , packageDir, optionsFile, endpointFile] = process.argv;
const { chromium } = require(packageDir);
const options = JSON.parse(fs.readFileSync(optionsFile, 'utf8'));
// Playwright keeps chromium's profile under TMPDIR (this browser's own directory); chromium itself gets the JVM's
// TMPDIR back, as its singleton socket path must stay short
options.env = Object.assign({}, process.env);
delete options.env.TMPDIR;
if (process.env.DOCKET_BROWSER_TMPDIR) options.env.TMPDIR = process.env.DOCKET_BROWSER_TMPDIR;
delete options.env.DOCKET_BROWSER_TMPDIR;
let closing = false;

(async () => {
  const server = await chromium.launchServer(options);
  const browser = server.process();
  browser.on('exit', (code, signal) => {
    if (!closing) {
      process.stderr.write(`chromium (pid ${browser.pid}) exited with code ${code}, signal ${signal}\n`);
      process.exit(3);
    }
  });
  const stop = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), 5000).unref();
    server.close().catch(() => {}).finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.resume();
  fs.writeFileSync(endpointFile + '.tmp', JSON.stringify({ wsEndpoint: server.wsEndpoint(), pid: browser.pid }));
  fs.renameSync(endpointFile + '.tmp', endpointFile);
})().catch((e) => {
  // what went wrong, briefly: the error's first line, chromium's own output and its exit code
  const lines = String((e && e.message) || e).split('\n');
  const keep = [lines[0]];
  for (const line of lines) {
    const m = line.match(/\[err\] (.*)|process did exit: exitCode=([^,]+), signal=([^>]+)>/);
    const text = !m ? null : m[1] !== undefined ? m[1] : `chromium exited with code ${m[2]} (signal ${m[3]})`;
    if (text && !keep.includes(text)) keep.push(text);
  }
  process.stderr.write(keep.slice(0, 20).join('\n') + '\n');
  process.exit(2);
});
