// Seed 004 ("WebSocket Chat Backend") against /ws/chat, with the `ws` package, as a Node client of
// that protocol would talk to it. The seed has no client code to run; its "Testing" section lists
// the scenarios instead, and they are read from the seed document itself: each bullet must have its
// test below (a scenario added to the seed fails this file until it is covered). The messages sent
// are the seed's "Message Schema" (incoming), field for field, and every message received is
// checked against its outgoing shape.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import WebSocket from 'ws';

import { getToken } from './support/client.mjs';
import { REPO_ROOT, useStack } from './support/servers.mjs';

const SEED = path.resolve(REPO_ROOT, '..', 'shared', 'seeds', '004_5c9a4cd4da8a623f.txt');
const WAIT_MS = 15000;
const stack = useStack({ name: 'seed-004' });

/** The bullets of the seed's "## Testing" section. */
function seedScenarios() {
  const text = fs.readFileSync(SEED, 'utf8');
  const section = text.match(/\n## Testing\n([\s\S]*?)\n## /);
  assert.ok(section, 'seed 004 has its Testing section');
  return section[1]
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2).trim());
}

/** A /ws/chat client: every message received is queued, a close too ({closed: code}). */
class ChatClient {
  constructor(url, options) {
    this.queue = [];
    this.waiters = [];
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data) => this.push(JSON.parse(data.toString())));
    this.ws.on('close', (code, reason) => this.push({ closed: code, reason: reason.toString() }));
  }

  static async connect(url, options) {
    const client = new ChatClient(url, options);
    await client.opened;
    return client;
  }

  push(message) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(message);
    else this.queue.push(message);
  }

  /** The next message (or close), waiting up to WAIT_MS. */
  next() {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing received in ${WAIT_MS} ms\n${stack.serverLogTail()}`)), WAIT_MS);
      this.waiters.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  send(message) {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close() {
    this.ws.close();
  }
}

const wsUrl = (query) => `${stack.serverUrl.replace('http://', 'ws://')}/ws/chat${query}`;

/** A connected client of `userId`, past the welcome message (which it checks). */
async function connect(userId, query = '') {
  const token = await getToken(stack.serverUrl, userId);
  const client = await ChatClient.connect(wsUrl(`?token=${token}${query}`));
  const welcome = await client.next();
  assertOutgoing(welcome);
  assert.equal(welcome.role, 'system');
  return client;
}

/** The seed's outgoing shape. */
function assertOutgoing(message) {
  assert.match(message.id, /^msg_/, JSON.stringify(message));
  assert.ok(['assistant', 'system', 'interactive', 'user'].includes(message.role), message.role);
  assert.ok('session_id' in message);
  assert.equal(typeof message.content, 'object');
  assert.ok(!Number.isNaN(Date.parse(message.timestamp)), message.timestamp);
  assert.equal(typeof message.metadata, 'object');
  for (const element of message.content.elements || []) {
    assert.ok(['button', 'resource', 'recommendation', 'instruction', 'progress', 'ack'].includes(element.type), element.type);
    assert.equal(typeof element.id, 'string');
    assert.equal(typeof element.label, 'string');
  }
}

async function receive(client) {
  const message = await client.next();
  assertOutgoing(message);
  return message;
}

const userMessage = (sessionId, text) => ({
  type: 'user_message',
  session_id: sessionId,
  content: { text },
  metadata: { character_id: 'char-default', world_id: 'world-default' },
});
const click = (sessionId, id) => ({ type: 'interaction', session_id: sessionId, content: { action: 'button_click', id } });
const feedback = (sessionId, rating, text) => ({ type: 'feedback', session_id: sessionId, content: { rating, text } });

/** The seed's scenarios, in its words, each with the test that shows it. */
const SCENARIOS = {
  'Connect without token -> reject/close with policy violation': async () => {
    for (const query of ['', '?token=not-a-jwt']) {
      const client = await ChatClient.connect(wsUrl(query));
      const closed = await client.next();
      assert.equal(closed.closed, 1008, `${query}: ${JSON.stringify(closed)}`);
    }
  },

  'Connect with valid token -> welcome message': async () => {
    const token = await getToken(stack.serverUrl, 'seed-004-header');
    const client = await ChatClient.connect(wsUrl(''), { headers: { Authorization: `Bearer ${token}` } });
    const welcome = await receive(client);
    assert.equal(welcome.role, 'system');
    assert.ok(welcome.content.text.length > 0);
    client.close();
    (await connect('seed-004-query')).close();
  },

  'Send user_message -> assistant response returned': async () => {
    const { reply } = await stack.fakeConfig();
    const client = await connect('seed-004-user');
    client.send(userMessage('s4-session', 'Hello, I had a long day'));
    const answer = await receive(client);
    assert.equal(answer.role, 'assistant');
    assert.equal(answer.session_id, 's4-session');
    assert.equal(answer.content.text, reply);
    assert.deepEqual(answer.metadata.safety, { crisis: false, types: [] });
    client.close();
  },

  'Send interaction payload -> interactive response structure': async () => {
    const client = await connect('seed-004-interaction');
    client.send(click('s4-session', 'next_step'));
    const answer = await receive(client);
    assert.equal(answer.role, 'interactive');
    assert.deepEqual(answer.content.elements.map((e) => [e.type, e.id]), [['ack', 'next_step']]);
    client.close();
  },

  'Guided exercise flow: button click returns an instruction + a "Complete" button; clicking the completion button emits a progress acknowledgement':
    async () => {
      const client = await connect('seed-004-exercise');
      // An anxious message is answered with the exercise buttons.
      client.send(userMessage('s4-calm', "I'm so anxious I can't breathe"));
      const answer = await receive(client);
      const buttons = answer.content.elements.filter((e) => e.type === 'button').map((e) => e.id);
      assert.ok(buttons.includes('ex_breathing'), JSON.stringify(answer.content.elements));

      client.send(click('s4-calm', 'ex_breathing'));
      const instruction = await receive(client);
      assert.equal(instruction.role, 'interactive');
      const types = instruction.content.elements.map((e) => e.type);
      assert.deepEqual(types, ['instruction', 'button']);
      const complete = instruction.content.elements[1];
      assert.equal(complete.id, 'ex_breathing_complete');

      client.send(click('s4-calm', complete.id));
      const progress = await receive(client);
      assert.equal(progress.role, 'interactive');
      assert.equal(progress.content.elements[0].type, 'progress');
      assert.equal(progress.content.elements[0].marker.marker_type, 'SKILL_ACQUIRED');
      client.close();
    },
};

describe('seed 004: /ws/chat', () => {
  test('every scenario of the seed\'s Testing section has its test here', () => {
    assert.deepEqual(seedScenarios(), Object.keys(SCENARIOS));
  });

  for (const [scenario, run] of Object.entries(SCENARIOS)) {
    test(scenario, run);
  }

  test('a crisis message carries resource elements from Mia\'s crisis resources', async () => {
    const client = await connect('seed-004-crisis');
    client.send(userMessage(null, 'I want to kill myself'));
    const answer = await receive(client);
    assert.equal(answer.metadata.safety.crisis, true);
    const resources = answer.content.elements.filter((e) => e.type === 'resource');
    assert.ok(resources.some((r) => r.method === 'phone' && r.info.includes('988')), JSON.stringify(resources));
    assert.ok(resources.some((r) => r.method === 'text' && r.info.includes('741741')));
    assert.ok(resources.some((r) => r.emergency === true));
    assert.match(answer.session_id, /^session_/, 'without a session_id, the connection\'s own session');
    client.close();
  });

  test('typing=1 brings typing start and stop around a reply; feedback is acknowledged', async () => {
    const client = await connect('seed-004-typing', '&typing=1');
    client.send(userMessage('s4-typing', 'Hello'));
    const seen = [await receive(client), await receive(client), await receive(client)];
    assert.deepEqual(
      seen.map((m) => (m.content.event === 'typing' ? `typing:${m.content.status}` : m.role)),
      ['typing:start', 'assistant', 'typing:stop'],
    );
    client.send(feedback('s4-typing', 7, 'too high'));
    const refused = await receive(client);
    assert.equal(refused.content.event, 'error');
    assert.equal(refused.content.code, 'INVALID_PAYLOAD');
    client.send(feedback('s4-typing', 5, 'Thank you'));
    const thanks = await receive(client);
    assert.equal(thanks.role, 'system');
    assert.equal(thanks.metadata.feedback.rating, 5);
    client.close();
  });

  test('bad messages get typed errors and the connection stays usable', async () => {
    const client = await connect('seed-004-bad');
    client.send('{not json');
    assert.equal((await receive(client)).content.code, 'INVALID_PAYLOAD');
    client.send({ type: 'dance', content: {} });
    assert.equal((await receive(client)).content.code, 'INVALID_PAYLOAD');
    client.send(userMessage('s4-bad', 'still here?'));
    assert.equal((await receive(client)).role, 'assistant');
    client.close();
  });
});
