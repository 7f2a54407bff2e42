// Shared test support: starts the fake OpenAI upstream and the Mia server under test,
// waits until both answer, and stops them again. Every e2e test file uses it.
//
//   import { useStack } from './support/servers.mjs';
//   const stack = useStack({ name: 'contract' });   // registers before/after hooks
//   test('…', async () => { stack.serverUrl … });
//
// Env:
//   SERVER_CMD         shell command (bash -c, cwd = repo root) that starts the server;
//                      default `exec java -jar mia-server/target/mia-server.jar`.
//                      It gets PORT, HOST, OPENAI_BASE_URL, OPENAI_API_KEY, JWT_SECRET,
//                      ALLOWED_ORIGINS (plus whatever a test passes in `env`).
//   SERVER_START_TIMEOUT_S  how long to wait for GET /health (default 60).
//   Logs: e2e/target/<name>-server.log and <name>-fake-openai.log (kept after the run).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));

/** e2e/ */
export const E2E_DIR = path.resolve(here, '..');
/** The repository root: the parent of e2e/. */
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
/** Logs and screenshots go here. */
export const TARGET_DIR = path.join(E2E_DIR, 'target');
/** The fake OpenAI upstream, from the shared reference material next to the repo. */
export const FAKE_OPENAI_JS = path.resolve(REPO_ROOT, '..', 'shared', 'bench', 'fake-openai', 'server.js');

export const DEFAULT_SERVER_CMD = 'exec java -jar mia-server/target/mia-server.jar';
/** A test-only HS256 secret (well over 32 bytes). */
export const TEST_JWT_SECRET = 'e2e-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

const STOP_GRACE_MS = 12000; // the Java server lets replies in flight finish (up to 10 s) on SIGTERM

/** Resolves to a TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
  const srv = net.createServer();
  srv.unref();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Like sleep, but does not keep the process alive. */
const idle = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Last `lines` lines of a file, or '' when it cannot be read. */
export function tailFile(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Spawns `command args` in its own process group with stdout+stderr going to `logFile`.
 * Returns the ChildProcess; `child.exited` is a promise of {code, signal}.
 */
function spawnLogged(command, args, { cwd, env, logFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'w');
  let child;
  try {
    child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    fs.closeSync(fd);
  }
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => resolve({ code: null, signal: null, error: err }));
  });
  trackChild(child);
  return child;
}

/** SIGTERM the child's process group, wait, then SIGKILL it if it is still there. */
async function stopProcess(child) {
  if (!child || !child.pid) return;
  const signalGroup = (sig) => {
    try {
      process.kill(-child.pid, sig); // the group we created with detached: true
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (isRunning(child)) {
    signalGroup('SIGTERM');
    const done = await Promise.race([child.exited.then(() => true), idle(STOP_GRACE_MS).then(() => false)]);
    if (!done) {
      signalGroup('SIGKILL');
      await Promise.race([child.exited, idle(2000)]);
    }
  }
  // Children of `bash -c` (when SERVER_CMD does not exec) share the group: make sure they go too.
  try {
    process.kill(-child.pid, 0);
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* group is empty */
  }
}

/** Starts the fake OpenAI server on a port it picks itself and reads the port from its startup line. */
async function startFake({ env = {}, logFile }) {
  if (!fs.existsSync(FAKE_OPENAI_JS)) {
    throw new Error(`fake OpenAI server not found at ${FAKE_OPENAI_JS}`);
  }
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const child = spawn(process.execPath, [FAKE_OPENAI_JS], {
    env: { ...process.env, FAKE_PORT: '0', ...env, FAKE_QUIET: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  trackChild(child);
  const log = fs.createWriteStream(logFile);
  child.stderr.pipe(log);
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`fake OpenAI did not report its port in 10 s:\n${buf}`)), 10000);
    child.stdout.on('data', (data) => {
      log.write(data);
      buf += data.toString('utf8');
      const m = buf.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`fake OpenAI exited early (code ${code}, signal ${signal}):\n${buf}`));
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}` };
}

/** Polls GET /health until it answers 200, the process exits, or the timeout passes. */
async function waitForHealth(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    if (!isRunning(child)) {
      const { code, signal } = await child.exited;
      throw new Error(
        `server exited before it was healthy (code ${code}, signal ${signal}). ` +
          `Log ${logFile}, last lines:\n${tailFile(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err.cause?.code || err.message;
    }
    await sleep(200);
  }
  throw new Error(
    `server not healthy after ${timeoutMs / 1000} s (${lastError}). Log ${logFile}, last lines:\n${tailFile(logFile)}`,
  );
}

/**
 * Starts the fake upstream and the server under test.
 * @param {object} [opts]
 * @param {string} [opts.name]      label for the log files (e2e/target/<name>-server.log)
 * @param {object} [opts.env]       extra env for the server (may override the defaults, e.g. ALLOWED_ORIGINS)
 * @param {object} [opts.fakeEnv]   extra env for the fake (FAKE_TOKENS, FAKE_DELAY_MS, …)
 * @param {(port:number)=>object} [opts.envFor] extra env computed from the server's port
 */
export async function startStack({ name = 'e2e', env = {}, fakeEnv = {}, envFor } = {}) {
  const serverLog = path.join(TARGET_DIR, `${name}-server.log`);
  const fakeLog = path.join(TARGET_DIR, `${name}-fake-openai.log`);
  const stack = { name, serverLog, fakeLog, fake: null, server: null };
  stack.stop = async () => {
    await stopProcess(stack.server);
    await stopProcess(stack.fake?.child);
  };
  try {
    stack.fake = await startFake({ env: fakeEnv, logFile: fakeLog });
    const port = await freePort();
    const serverUrl = `http://127.0.0.1:${port}`;
    const serverEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      OPENAI_BASE_URL: `${stack.fake.url}/v1`,
      OPENAI_API_KEY: 'test-key',
      JWT_SECRET: TEST_JWT_SECRET,
      ALLOWED_ORIGINS: serverUrl,
      // A fresh embedded store per stack, outside the working copy.
      MIA_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-data-')),
      ...(envFor ? envFor(port) : {}),
      ...env,
    };
    const cmd = process.env.SERVER_CMD || DEFAULT_SERVER_CMD;
    if (!process.env.SERVER_CMD && !fs.existsSync(path.join(REPO_ROOT, 'mia-server', 'target', 'mia-server.jar'))) {
      throw new Error(
        'mia-server/target/mia-server.jar not found: build it first (mvn -q -DskipTests package in the repo root), ' +
          'or set SERVER_CMD to the command that starts the server under test',
      );
    }
    stack.server = spawnLogged('bash', ['-c', cmd], { cwd: REPO_ROOT, env: serverEnv, logFile: serverLog });
    const timeoutS = Number(process.env.SERVER_START_TIMEOUT_S || 60);
    await waitForHealth(serverUrl, stack.server, serverLog, timeoutS * 1000);
    Object.assign(stack, {
      port,
      serverUrl,
      fakeUrl: stack.fake.url,
      jwtSecret: TEST_JWT_SECRET,
      allowedOrigins: serverEnv.ALLOWED_ORIGINS,
      /** GET /_fake/config of the fake: {tokens, delayMs, firstDelayMs, reply}. */
      fakeConfig: async () => (await fetch(`${stack.fake.url}/_fake/config`)).json(),
      /** Last lines of the server log, for assertion messages. */
      serverLogTail: (lines = 40) => tailFile(serverLog, lines),
    });
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/**
 * Registers node:test `before`/`after` hooks that start and stop a stack, and returns an object
 * that is filled with the started stack's fields (serverUrl, fakeConfig(), …) once `before` ran.
 */
export function useStack(opts = {}) {
  const handle = {};
  let stack = null;
  before(async () => {
    stack = await startStack(opts);
    Object.assign(handle, stack);
  }, { timeout: (Number(process.env.SERVER_START_TIMEOUT_S || 60) + 30) * 1000 });
  after(async () => {
    if (stack) await stack.stop();
  });
  return handle;
}

// Last resort: never leave our own servers behind when the test process exits early.
const live = new Set();
function trackChild(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
}
process.once('exit', () => {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
