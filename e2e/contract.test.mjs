// The wire contract (shared/spec/wire-contract.md, "Compatible"), checked with the official
// socket.io-client 4.x over both transports and with plain HTTP. What the contract lists is
// asserted exactly; fields the server adds beyond it (extensions) are allowed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';

import { connect, getToken, join, next, send, TRANSPORTS } from './support/client.mjs';
import { useStack } from './support/servers.mjs';

const stack = useStack({ name: 'contract' });

const MODES = ['GREETING', 'MIRROR_LEARNING', 'EDUCATIONAL', 'URGENCY', 'FUNDRAISING'];
const SEVEN_DAYS_S = 7 * 24 * 3600;

/** Asserts the contract fields of a session_created payload; extra fields are fine. */
function assertSessionShape(s) {
  assert.equal(typeof s, 'object');
  assert.ok(s !== null);
  assert.equal(typeof s.sessionId, 'string');
  assert.ok(s.sessionId.length > 0);
  assert.equal(typeof s.userId, 'string');
  assert.ok(s.age === null || Number.isInteger(s.age), `age is an int or null, got ${JSON.stringify(s.age)}`);
  assert.ok(MODES.includes(s.mode), `mode is one of ${MODES}, got ${s.mode}`);
  assert.ok([1, 2, 3].includes(s.safetyTier), `safetyTier 1-3, got ${s.safetyTier}`);
  assert.ok(Array.isArray(s.conversationHistory));
  for (const m of s.conversationHistory) {
    assert.ok(m.role === 'user' || m.role === 'assistant', `role, got ${m.role}`);
    assert.equal(typeof m.content, 'string');
    assert.equal(typeof m.timestamp, 'number', 'timestamp is a number (ms)');
    assert.ok(Number.isFinite(m.timestamp));
  }
}

/** Asserts the reply events of one message: chunks in order, complete = concatenation. */
function assertReply(result, sessionId, reply) {
  const chunkEvents = result.events.filter((e) => e.event === 'message_chunk');
  assert.ok(chunkEvents.length >= 1, 'at least one message_chunk');
  for (const { data } of chunkEvents) {
    assert.equal(data.sessionId, sessionId, 'message_chunk.sessionId');
    assert.equal(typeof data.chunk, 'string');
  }
  assert.equal(result.complete.sessionId, sessionId, 'message_complete.sessionId');
  assert.equal(typeof result.complete.message, 'string');
  assert.equal(result.complete.message, result.chunks.join(''), 'message_complete.message = concatenated chunks');
  assert.equal(result.complete.message, reply, "the model's reply, unchanged");
  const last = result.events.at(-1);
  assert.equal(last.event, 'message_complete', 'message_complete comes last');
}

function decodeJwtPart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

describe('HTTP', { timeout: 60000 }, () => {
  test('GET /health → {status:"ok", timestamp: ISO-8601, uptime: number}', async () => {
    const res = await fetch(`${stack.serverUrl}/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /application\/json/);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.timestamp, 'string');
    assert.match(body.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    assert.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 60000, 'timestamp is now');
    assert.equal(typeof body.uptime, 'number');
    assert.ok(body.uptime >= 0);
  });

  test('POST /api/auth/token → HS256 JWT with claim userId, valid for 7 days', async () => {
    const token = await getToken(stack.serverUrl, 'user123');
    const [h, p, sig] = token.split('.');
    assert.ok(h && p && sig, 'three JWT parts');
    const header = decodeJwtPart(h);
    const payload = decodeJwtPart(p);
    assert.equal(header.alg, 'HS256');
    assert.equal(payload.userId, 'user123');
    const expected = crypto.createHmac('sha256', stack.jwtSecret).update(`${h}.${p}`).digest('base64url');
    assert.equal(sig, expected, 'signed with JWT_SECRET');
    assert.equal(typeof payload.exp, 'number');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(payload.exp - now - SEVEN_DAYS_S) < 120, `expires in 7 days (exp ${payload.exp}, now ${now})`);
  });

  test('GET /socket.io/socket.io.js serves the browser client', async () => {
    const res = await fetch(`${stack.serverUrl}/socket.io/socket.io.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /javascript/);
    const text = await res.text();
    assert.ok(text.length > 10000, `a real client bundle (${text.length} bytes)`);
    assert.match(text, /Socket\.IO/i);
  });

  test('CORS: an allowed origin is echoed, another one is not (REST and polling)', async () => {
    const allowed = stack.allowedOrigins.split(',')[0].trim();
    const evil = 'http://evil.example';
    const preflight = (origin) =>
      fetch(`${stack.serverUrl}/api/auth/token`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const ok = await preflight(allowed);
    assert.ok(ok.status >= 200 && ok.status < 300, `preflight status ${ok.status}`);
    assert.equal(ok.headers.get('access-control-allow-origin'), allowed);
    const bad = await preflight(evil);
    assert.notEqual(bad.headers.get('access-control-allow-origin'), evil);
    assert.notEqual(bad.headers.get('access-control-allow-origin'), '*');

    const poll = (origin) =>
      fetch(`${stack.serverUrl}/socket.io/?EIO=4&transport=polling&t=e2e`, { headers: { Origin: origin } });
    const pollOk = await poll(allowed);
    assert.equal(pollOk.status, 200);
    assert.equal(pollOk.headers.get('access-control-allow-origin'), allowed);
    assert.match(await pollOk.text(), /^0\{.*"sid"/, 'an Engine.IO open packet');
    const pollBad = await poll(evil);
    await pollBad.arrayBuffer();
    assert.notEqual(pollBad.headers.get('access-control-allow-origin'), evil);
    assert.notEqual(pollBad.headers.get('access-control-allow-origin'), '*');
  });
});

for (const transport of TRANSPORTS) {
  describe(`Socket.IO over ${transport}`, { timeout: 120000 }, () => {
    const open = async (opts = {}) => {
      const socket = await connect(stack.serverUrl, { transport, ...opts });
      assert.equal(socket.io.engine.transport.name, transport, 'the requested transport is in use');
      return socket;
    };

    test('anonymous join_session {sessionId:null} → session_created with the initial state', async () => {
      const socket = await open();
      try {
        const s = await join(socket, null);
        assertSessionShape(s);
        assert.match(s.sessionId, /^session_/);
        assert.match(s.userId, /^anon_/, 'anonymous userId starts with anon_');
        assert.equal(s.age, null);
        assert.equal(s.mode, 'GREETING');
        assert.equal(s.safetyTier, 1);
        assert.deepEqual(s.conversationHistory, []);
      } finally {
        socket.close();
      }
    });

    test('join_session with no sessionId field also creates a session', async () => {
      const socket = await open();
      try {
        const created = next(socket, 'session_created');
        socket.emit('join_session', {});
        const s = await created;
        assertSessionShape(s);
        assert.deepEqual(s.conversationHistory, []);
      } finally {
        socket.close();
      }
    });

    test('a message streams chunks, then message_complete = the chunks; re-join returns the history', async () => {
      const { reply } = await stack.fakeConfig();
      const socket = await open();
      try {
        const s = await join(socket, null);
        const before = Date.now();
        const r = await send(socket, s.sessionId, 'Hello Mia!');
        assertReply(r, s.sessionId, reply);
        assert.deepEqual(r.alerts, [], 'no safety_alert for a greeting');

        const again = await join(socket, s.sessionId);
        assertSessionShape(again);
        assert.equal(again.sessionId, s.sessionId);
        assert.equal(again.userId, s.userId);
        const history = again.conversationHistory;
        assert.deepEqual(
          history.map((m) => [m.role, m.content]),
          [
            ['user', 'Hello Mia!'],
            ['assistant', reply],
          ],
        );
        for (const m of history) {
          assert.ok(m.timestamp >= before - 5000 && m.timestamp <= Date.now() + 5000, `timestamp ${m.timestamp} is ms now`);
        }
        assert.ok(history[0].timestamp <= history[1].timestamp, 'in order');
      } finally {
        socket.close();
      }
    });

    test('"I want to die" → safety_alert {tier:3, sessionId} before the first chunk', async () => {
      const { reply } = await stack.fakeConfig();
      const socket = await open();
      try {
        const s = await join(socket, null);
        const r = await send(socket, s.sessionId, 'I want to die');
        const names = r.events.map((e) => e.event);
        const alertAt = names.indexOf('safety_alert');
        const firstChunkAt = names.indexOf('message_chunk');
        assert.ok(alertAt >= 0, `a safety_alert, got ${names.join(', ')}`);
        assert.ok(firstChunkAt > alertAt, `safety_alert before the first message_chunk, got ${names.join(', ')}`);
        assert.equal(r.alerts.length, 1, 'exactly one safety_alert');
        const alert = r.alerts[0];
        assert.equal(alert.tier, 3);
        assert.equal(alert.sessionId, s.sessionId);
        if ('resources' in alert) {
          assert.ok(Array.isArray(alert.resources), 'resources (extension) is an array');
        }
        assertReply(r, s.sessionId, reply);

        const again = await join(socket, s.sessionId);
        assert.equal(again.safetyTier, 3, 'the session remembers tier 3');
      } finally {
        socket.close();
      }
    });

    test('a tier-2 phrase ("drugs") → safety_alert tier 2', async () => {
      const socket = await open();
      try {
        const s = await join(socket, null);
        const r = await send(socket, s.sessionId, 'Someone at school keeps offering me drugs');
        assert.equal(r.alerts.length, 1);
        assert.equal(r.alerts[0].tier, 2);
        assert.equal(r.alerts[0].sessionId, s.sessionId);
        const names = r.events.map((e) => e.event);
        assert.ok(names.indexOf('safety_alert') < names.indexOf('message_chunk'));
      } finally {
        socket.close();
      }
    });

    test('"Hi, I\'m 10 years old" → re-join shows age 10, mode MIRROR_LEARNING', async () => {
      const { reply } = await stack.fakeConfig();
      const socket = await open();
      try {
        const s = await join(socket, null);
        const r = await send(socket, s.sessionId, "Hi, I'm 10 years old");
        assertReply(r, s.sessionId, reply);
        const again = await join(socket, s.sessionId);
        assertSessionShape(again);
        assert.equal(again.age, 10);
        assert.equal(again.mode, 'MIRROR_LEARNING');
        assert.equal(again.safetyTier, 1);
        assert.equal(again.conversationHistory.length, 2);
      } finally {
        socket.close();
      }
    });

    test('auth.token gives the token\'s userId; a new connection of that user resumes the session', async () => {
      const { reply } = await stack.fakeConfig();
      const userId = `user_${transport}_${Date.now()}`;
      const token = await getToken(stack.serverUrl, userId);
      const first = await open({ token });
      let sessionId;
      try {
        const s = await join(first, null);
        assert.equal(s.userId, userId);
        sessionId = s.sessionId;
        assertReply(await send(first, sessionId, 'Hello Mia!'), sessionId, reply);
      } finally {
        first.close();
      }
      const second = await open({ token });
      try {
        const again = await join(second, sessionId);
        assert.equal(again.sessionId, sessionId);
        assert.equal(again.userId, userId);
        assert.deepEqual(
          again.conversationHistory.map((m) => m.role),
          ['user', 'assistant'],
        );
      } finally {
        second.close();
      }
    });

    test('Authorization: Bearer header gives the token\'s userId', async () => {
      const token = await getToken(stack.serverUrl, 'header-user');
      const socket = await open({ headers: { Authorization: `Bearer ${token}` } });
      try {
        const s = await join(socket, null);
        assert.equal(s.userId, 'header-user');
      } finally {
        socket.close();
      }
    });

    test('an invalid token connects anonymously', async () => {
      const socket = await open({ token: 'not.a.valid-token' });
      try {
        const s = await join(socket, null);
        assert.match(s.userId, /^anon_/);
      } finally {
        socket.close();
      }
    });

    test('join_session with an unknown id gives a session with the initial state', async () => {
      const socket = await open();
      try {
        const s = await join(socket, `session_unknown_${transport}_${Date.now()}`);
        assertSessionShape(s);
        assert.match(s.sessionId, /^session_/);
        assert.equal(s.age, null);
        assert.equal(s.mode, 'GREETING');
        assert.equal(s.safetyTier, 1);
        assert.deepEqual(s.conversationHistory, []);
      } finally {
        socket.close();
      }
    });

    test('a message to an unknown session → error {message}', async () => {
      const socket = await open();
      try {
        const err = next(socket, 'error');
        socket.emit('message', { sessionId: 'session_does_not_exist_42', message: 'Hello?' });
        const e = await err;
        assert.equal(typeof e.message, 'string');
        assert.ok(e.message.length > 0);
        if ('code' in e) assert.equal(e.code, 'SESSION_NOT_FOUND', 'extension: error.code');
        assert.ok(socket.connected, 'the connection stays up');
      } finally {
        socket.close();
      }
    });
  });
}
