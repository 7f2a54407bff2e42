// Seed 000's JavaScript client example, run unchanged as a separate Node program against the
// server, over websocket and over polling; plus the same flow with a token.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

import { connect, getToken, join, TRANSPORTS } from './support/client.mjs';
import { E2E_DIR, useStack } from './support/servers.mjs';

const run = promisify(execFile);
const stack = useStack({ name: 'seed-example' });

async function runExample(transport, extraEnv = {}) {
  try {
    return await run(process.execPath, [path.join(E2E_DIR, 'seed-example.mjs'), stack.serverUrl, transport], {
      cwd: E2E_DIR,
      env: { ...process.env, ...extraEnv },
      timeout: 30000,
    });
  } catch (err) {
    throw new Error(
      `seed-example.mjs failed (${err.code ?? err.signal}):\nstdout:\n${err.stdout}\nstderr:\n${err.stderr}\n` +
        `server log:\n${stack.serverLogTail()}`,
    );
  }
}

/** Splits the example's output into its parts: Connected line, Session line, streamed text, Complete text. */
function parseOutput(stdout) {
  const connected = stdout.match(/^Connected: (\S+)\n/);
  assert.ok(connected, `output starts with 'Connected: <id>':\n${stdout}`);
  const rest = stdout.slice(connected[0].length);
  const session = rest.match(/^Session: (\S+)\n/);
  assert.ok(session, `second line is 'Session: <id>':\n${stdout}`);
  const body = rest.slice(session[0].length);
  const marker = '\nComplete: ';
  const at = body.lastIndexOf(marker);
  assert.ok(at >= 0, `output has 'Complete: ':\n${stdout}`);
  assert.ok(body.endsWith('\n'), 'output ends with a newline');
  return {
    socketId: connected[1],
    sessionId: session[1],
    streamed: body.slice(0, at),
    complete: body.slice(at + marker.length, -1),
  };
}

describe('seed 000 JavaScript example', { timeout: 120000 }, () => {
  for (const transport of TRANSPORTS) {
    test(`runs unchanged over ${transport}`, async () => {
      const { reply } = await stack.fakeConfig();
      const { stdout, stderr } = await runExample(transport);
      assert.equal(stderr, '', 'nothing on stderr');
      const out = parseOutput(stdout);
      assert.ok(out.socketId.length > 0);
      assert.match(out.sessionId, /^session_/, 'session ids start with session_');
      assert.equal(out.streamed, out.complete, 'the streamed chunks add up to the complete message');
      assert.equal(out.complete, reply, "the reply is the fake model's text");
      assert.match(out.complete, /^I hear you\. /);
      assert.doesNotMatch(stdout, /ALERT/, "'Hello Mia!' raises no safety alert");
    });
  }

  test('with a token from POST /api/auth/token the session belongs to that user', async () => {
    const token = await getToken(stack.serverUrl, 'user123');
    assert.equal(typeof token, 'string');
    assert.equal(token.split('.').length, 3, 'a JWT');

    const socket = await connect(stack.serverUrl, { transport: 'websocket', token });
    try {
      const created = await join(socket, null);
      assert.equal(created.userId, 'user123');
      assert.match(created.sessionId, /^session_/);
    } finally {
      socket.close();
    }

    // The example itself, given the token the way its comment says (auth: { token }).
    const { stdout } = await runExample('polling', { MIA_TOKEN: token });
    const out = parseOutput(stdout);
    assert.equal(out.streamed, out.complete);
    assert.equal(out.complete, (await stack.fakeConfig()).reply);
  });
});
