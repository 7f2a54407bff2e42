// Seed 003's usage example ("WebSocket Support", the JavaScript/TypeScript block), taken from the
// seed document itself and run as its own Node program with the `ws` package against /ws. Only the
// token and the host are filled in, as its user would; everything else is the seed's code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { getToken } from './support/client.mjs';
import { E2E_DIR, REPO_ROOT, TARGET_DIR, useStack } from './support/servers.mjs';

const SEED = path.resolve(REPO_ROOT, '..', 'shared', 'seeds', '003_32619396557f426c.txt');
const stack = useStack({ name: 'seed-003' });

/** The seed's JavaScript usage example, with its placeholders filled in. */
function example(token, wsUrl) {
  const text = fs.readFileSync(SEED, 'utf8');
  const block = text.match(/### JavaScript\/TypeScript\s*```javascript\n([\s\S]*?)```/);
  assert.ok(block, 'seed 003 has its JavaScript usage example');
  const code = block[1];
  assert.ok(code.includes("const token = 'your_jwt_token_here';"), 'the token placeholder is where the seed has it');
  assert.ok(code.includes('ws://localhost:3000/ws?token=${token}'), 'the URL is where the seed has it');
  return code
    .replace("const token = 'your_jwt_token_here';", `const token = ${JSON.stringify(token)};`)
    .replace('ws://localhost:3000/ws?token=${token}', `${wsUrl}/ws?token=\${token}`);
}

/** Runs the example until it prints the complete message; returns what it printed. */
function runExample(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: E2E_DIR });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no complete message in 30 s:\n${out}\n${err}\nserver log:\n${stack.serverLogTail()}`));
    }, 30000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      // The example never closes its socket: it is done once the complete message is printed.
      if (out.includes('Complete message:') && out.endsWith('\n')) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve({ out, err });
      }
    });
    child.stderr.on('data', (d) => (err += d.toString()));
    child.on('exit', (code) => {
      if (!out.includes('Complete message:')) {
        clearTimeout(timer);
        reject(new Error(`the example exited (${code}) early:\n${out}\n${err}`));
      }
    });
  });
}

describe('seed 003: the plain-WebSocket usage example', () => {
  test('runs unchanged against /ws and prints the streamed reply', async () => {
    const token = await getToken(stack.serverUrl, 'seed-003-user');
    fs.mkdirSync(TARGET_DIR, { recursive: true });
    const file = path.join(TARGET_DIR, 'seed-003-example.cjs');
    fs.writeFileSync(file, example(token, stack.serverUrl.replace('http://', 'ws://')));

    const { out, err } = await runExample(file);

    assert.ok(out.startsWith('Connected to WebSocket\n'), out);
    assert.ok(out.includes('Connection confirmed\n'), out);
    const streamed = out.slice(out.indexOf('Connection confirmed\n') + 'Connection confirmed\n'.length);
    const [chunks, complete] = streamed.split('\nComplete message: ');
    assert.ok(chunks.length > 0, 'the reply was streamed in pieces first');
    assert.equal(complete.trim(), chunks.trim(), 'the complete message equals the streamed pieces');
    assert.equal(err, '', 'nothing on stderr');
  });
});
