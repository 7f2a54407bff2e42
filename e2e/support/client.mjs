// Small helpers around the official socket.io-client for the e2e tests.
import { io } from 'socket.io-client';

export const TRANSPORTS = ['websocket', 'polling'];
const DEFAULT_TIMEOUT_MS = 15000;

/**
 * Connects with the official client and resolves once `connect` fired.
 * Rejects on `connect_error`. Reconnection is off so a failing test fails fast.
 */
export function connect(url, { transport, token, headers, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
    ...(transport ? { transports: [transport] } : {}),
    ...(token ? { auth: { token } } : {}),
    ...(headers ? { extraHeaders: headers } : {}),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no connect within ${timeoutMs} ms (${transport || 'default'} transport)`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`connect_error: ${err.message}`));
    });
  });
}

/** Resolves with the payload of the next `event`; rejects on timeout or on an `error` event. */
export function next(socket, event, { timeoutMs = DEFAULT_TIMEOUT_MS, failOnError = event !== 'error' } = {}) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.off(event, onEvent);
      socket.off('error', onError);
    };
    const onEvent = (data) => {
      cleanup();
      resolve(data);
    };
    const onError = (data) => {
      cleanup();
      reject(new Error(`server sent error while waiting for ${event}: ${JSON.stringify(data)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, onEvent);
    if (failOnError) socket.on('error', onError);
  });
}

/** Emits join_session and resolves with the session_created payload. */
export async function join(socket, sessionId = null) {
  const created = next(socket, 'session_created');
  socket.emit('join_session', { sessionId });
  return created;
}

/**
 * Sends one message and records every server event until message_complete (or error).
 * Resolves with {events:[{event,data}], chunks:[string], complete, alerts}.
 */
export function send(socket, sessionId, message, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const events = [];
    const listener = (event, data) => {
      events.push({ event, data });
      if (event === 'message_complete') finish();
      if (event === 'error') {
        cleanup();
        reject(new Error(`server sent error: ${JSON.stringify(data)}`));
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.offAny(listener);
    };
    const finish = () => {
      cleanup();
      resolve({
        events,
        chunks: events.filter((e) => e.event === 'message_chunk').map((e) => e.data.chunk),
        alerts: events.filter((e) => e.event === 'safety_alert').map((e) => e.data),
        complete: events.find((e) => e.event === 'message_complete').data,
      });
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no message_complete within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ') || 'nothing'}`));
    }, timeoutMs);
    socket.onAny(listener);
    socket.emit('message', { sessionId, message });
  });
}

/** POST /api/auth/token {userId} → token string. */
export async function getToken(serverUrl, userId) {
  const res = await fetch(`${serverUrl}/api/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (res.status !== 200) throw new Error(`POST /api/auth/token → HTTP ${res.status}: ${await res.text()}`);
  const body = await res.json();
  return body.token;
}
