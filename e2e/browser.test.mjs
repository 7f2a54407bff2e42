// test-chat.html in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// connect, chat with a streamed reply, see a safety alert, do a guided exercise and give feedback,
// reload and resume, get a token.
//
// PAGE_URL_MODE=served (default) loads ${serverUrl}/ (the server serves the page).
// PAGE_URL_MODE=file opens file://<repo>/test-chat.html?server=${serverUrl}; the page's origin is
//   then "null", so the server is started with ALLOWED_ORIGINS=<server url>,null.
// CHROMIUM_PATH overrides /usr/bin/chromium.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { REPO_ROOT, TARGET_DIR, useStack } from './support/servers.mjs';

const FILE_MODE = (process.env.PAGE_URL_MODE || 'served') === 'file';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOT = path.join(TARGET_DIR, 'test-chat.png');
const SCREENSHOT_PHONE = path.join(TARGET_DIR, 'test-chat-phone.png');
const WAIT = { timeout: 15000 };

const stack = useStack({
  name: 'browser',
  // Tokens 60 ms apart: the reply visibly streams in word by word.
  fakeEnv: { FAKE_DELAY_MS: '60' },
  envFor: (port) => (FILE_MODE ? { ALLOWED_ORIGINS: `http://127.0.0.1:${port},null` } : {}),
});

let browser;
let page;
const pageErrors = [];

function pageUrl() {
  if (!FILE_MODE) return `${stack.serverUrl}/`;
  const url = pathToFileURL(path.join(REPO_ROOT, 'test-chat.html'));
  url.searchParams.set('server', stack.serverUrl);
  return url.href;
}

const byId = (id) => page.locator(`#${id}`);
const textOf = (id) => byId(id).textContent();

async function waitForText(id, predicate, what) {
  try {
    await page.waitForFunction(
      ([elId, src]) => {
        const el = document.getElementById(elId);
        // eslint-disable-next-line no-new-func
        return !!el && new Function('t', `return (${src})(t)`)(el.textContent);
      },
      [id, predicate.toString()],
      WAIT,
    );
  } catch (err) {
    throw new Error(`#${id} never showed ${what}; it shows ${JSON.stringify(await textOf(id))}\n${err.message}`);
  }
}

async function waitConnected() {
  await page.locator('#connection-status[data-state="connected"]').waitFor(WAIT);
}

/** [{role, text, streaming}] of the messages in the transcript. */
function transcript() {
  return page.$$eval('#transcript .msg', (els) =>
    els.map((e) => ({
      role: e.dataset.role,
      text: e.querySelector('.bubble').textContent,
      streaming: e.dataset.streaming,
      chunks: Number(e.dataset.chunks || 0),
    })),
  );
}

async function sendWithEnter(text) {
  const input = byId('message-input');
  await input.click();
  await input.fill(text);
  await input.press('Enter');
}

/** Waits until there are `count` finished assistant messages and returns the transcript. */
async function waitForReplies(count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('#transcript .msg[data-role="assistant"][data-streaming="false"]').length >= n,
    count,
    WAIT,
  );
  return transcript();
}

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  if (browser) await browser.close();
});

describe(`test-chat.html in Chromium (${FILE_MODE ? 'file' : 'served'} mode)`, { timeout: 180000 }, () => {
  let sessionId;
  let reply;

  test('loads, connects anonymously and starts a session', async () => {
    reply = (await stack.fakeConfig()).reply;
    const res = await page.goto(pageUrl());
    if (!FILE_MODE) assert.equal(res.status(), 200, 'GET / serves the page');
    assert.match(await page.title(), /Mia/);
    assert.equal(await byId('server-url').inputValue(), stack.serverUrl, 'server URL defaults correctly');
    assert.equal(await page.getAttribute('#connection-status', 'data-state'), 'disconnected');

    await byId('connect-btn').click();
    await waitConnected();
    await byId('new-session-btn').click();
    await waitForText('state-session-id', (t) => t.startsWith('session_'), 'a session id');

    sessionId = await textOf('state-session-id');
    assert.match(await textOf('state-user-id'), /^anon_/);
    assert.equal(await textOf('state-mode'), 'GREETING');
    assert.equal(await textOf('state-age'), 'unknown');
    assert.match(await textOf('state-tier'), /^1\b/);
    assert.equal(await byId('resume-session-id').inputValue(), sessionId);
    assert.equal(await byId('message-input').isEnabled(), true);
  });

  test('Shift+Enter adds a new line, Enter sends and the reply streams in', async () => {
    const input = byId('message-input');
    await input.click();
    await input.type('line one');
    await input.press('Shift+Enter');
    await input.type('line two');
    assert.equal(await input.inputValue(), 'line one\nline two');
    assert.equal((await transcript()).length, 0, 'Shift+Enter sent nothing');

    await input.fill('Hello Mia!');
    await input.press('Enter');
    // While the reply streams the message is marked as streaming, with part of the text.
    const streaming = page.locator('#transcript .msg[data-role="assistant"][data-streaming="true"]');
    await streaming.waitFor(WAIT);
    const partial = await streaming.locator('.bubble').textContent();
    assert.ok(reply.startsWith(partial) && partial.length < reply.length, `a partial reply while streaming: ${JSON.stringify(partial)}`);

    const msgs = await waitForReplies(1);
    assert.deepEqual(
      msgs.map((m) => [m.role, m.text]),
      [
        ['user', 'Hello Mia!'],
        ['assistant', reply],
      ],
    );
    assert.ok(msgs[1].chunks > 1, `the reply came in several chunks (${msgs[1].chunks})`);
    assert.equal(await input.inputValue(), '', 'the input is cleared');
    assert.equal(await byId('safety-alert').isVisible(), false, 'no safety alert for a greeting');
  });

  test('a crisis message shows the safety alert prominently', async () => {
    await sendWithEnter('I want to die');
    await byId('safety-alert').waitFor({ state: 'visible', ...WAIT });
    await waitForText('state-tier', (t) => t.startsWith('3'), 'tier 3');
    const alertText = await textOf('safety-alert');
    const resources = await page.$$eval('#safety-resources li', (els) => els.map((e) => e.textContent));
    if (resources.length === 0) {
      assert.match(alertText, /988/, 'the default crisis text names 988');
      assert.match(alertText, /741741/);
      assert.equal(await byId('safety-default').isVisible(), true);
    } else {
      assert.ok(resources.every((r) => r.trim().length > 0), 'each resource shows some text');
    }
    assert.equal(await page.getAttribute('#safety-alert', 'role'), 'alert');

    const msgs = await waitForReplies(2);
    assert.deepEqual(
      msgs.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant'],
    );
    assert.equal(msgs[2].text, 'I want to die');
    assert.equal(msgs[3].text, reply);

    fs.mkdirSync(TARGET_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  test('exercise buttons lead to the steps and to saved progress; feedback is saved', async () => {
    // The crisis reply offered guided exercises.
    const breathing = page.locator('[data-testid="exercise-btn"][data-exercise-id="ex_breathing"]').last();
    await breathing.waitFor(WAIT);
    await breathing.click();
    const steps = page.locator('[data-testid="exercise-steps"]').last();
    await steps.waitFor(WAIT);
    assert.match(await steps.textContent(), /[Bb]reathe/);
    assert.equal(await textOf('state-progress'), '0');

    await page.locator('[data-testid="exercise-complete-btn"]').last().click();
    await page.locator('[data-testid="progress"]').last().waitFor(WAIT);
    assert.match(await page.locator('[data-testid="progress"]').last().textContent(), /breathing/i);
    await waitForText('state-progress', (t) => t === '1', 'one exercise done');

    assert.equal(await byId('feedback-send').isEnabled(), true);
    await page.locator('#feedback-rating label', { hasText: '4' }).click();
    await byId('feedback-text').fill('Kind and calm');
    await byId('feedback-send').click();
    await waitForText('feedback-status', (t) => t.includes('4/5') && t.includes('saved'), 'the feedback saved');
    assert.equal(await byId('feedback-text').inputValue(), '', 'the feedback text is cleared');
    assert.equal(await byId('error-box').isVisible(), false, 'no error');
  });

  test('after a reload the session resumes by id with its history', async () => {
    await page.reload();
    assert.equal(await page.getAttribute('#connection-status', 'data-state'), 'disconnected');
    assert.equal(await byId('resume-session-id').inputValue(), sessionId, 'the last session id is remembered');

    await byId('connect-btn').click();
    await waitConnected();
    await byId('resume-session-btn').click();
    await waitForText('state-session-id', (t) => t.startsWith('session_'), 'a session id');
    assert.equal(await textOf('state-session-id'), sessionId, 'the same session');

    const msgs = await transcript();
    assert.deepEqual(
      msgs.map((m) => [m.role, m.text]),
      [
        ['user', 'Hello Mia!'],
        ['assistant', reply],
        ['user', 'I want to die'],
        ['assistant', reply],
      ],
    );
    assert.match(await textOf('state-tier'), /^3\b/, 'the session remembers tier 3');
  });

  test('a failing model shows the error', async () => {
    assert.equal(await byId('error-box').isVisible(), false, 'no error shown before');
    await sendWithEnter('[fail] please');
    await byId('error-box').waitFor({ state: 'visible', timeout: 20000 });
    assert.ok((await textOf('error-text')).trim().length > 0, 'the error says something');
    // The page keeps working afterwards.
    const done = (await transcript()).filter((m) => m.role === 'assistant' && m.streaming === 'false').length;
    await sendWithEnter('Are you there?');
    const msgs = await waitForReplies(done + 1);
    assert.equal(msgs.at(-1).text, reply);
    assert.equal(await byId('error-box').isVisible(), false, 'sending again clears the error');
  });

  test('a token for a user id makes that the session user', async () => {
    await byId('user-id').fill('browser-user');
    await byId('get-token-btn').click();
    await waitForText('token-hint', (t) => t.includes('browser-user'), 'the token hint');
    const token = await byId('token').inputValue();
    assert.equal(token.split('.').length, 3, 'a JWT in the token field');

    await byId('connect-btn').click();
    await waitConnected();
    await byId('new-session-btn').click();
    await waitForText('state-user-id', (t) => t === 'browser-user', 'the user id');
    assert.notEqual(await textOf('state-session-id'), sessionId, 'a new session');
  });

  test('works at phone width (360 px) without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal overflow (${overflow}px)`);
    await sendWithEnter('Hello from my phone');
    const msgs = await waitForReplies(1);
    assert.deepEqual(msgs.map((m) => m.role), ['user', 'assistant']);
    const overflowAfter = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflowAfter <= 0, `no horizontal overflow with messages (${overflowAfter}px)`);
    await page.screenshot({ path: SCREENSHOT_PHONE, fullPage: true });
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });
});
