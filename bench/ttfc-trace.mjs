#!/usr/bin/env node
// Time to first chunk by the moment the message was sent: shows whether a tail comes from the
// ramp (connections still opening) or from the peak of concurrent streams. Each client connects
// (official Socket.IO client, WebSocket), joins, and sends two messages one after the other.
//
//   node ttfc-trace.mjs --url http://127.0.0.1:3001 [--clients 500] [--ramp-ms 1000] [--bucket-ms 250]
//
// Prints one line per bucket of send times (count, p50, p95, max in ms), then all of them.
import { io } from 'socket.io-client';
import { performance } from 'node:perf_hooks';

const opts = { url: 'http://127.0.0.1:3001', clients: 500, 'ramp-ms': 1000, 'bucket-ms': 250 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts) || argv[i + 1] === undefined) {
    process.stderr.write(`ttfc-trace: bad argument ${argv[i]}\n`);
    process.exit(2);
  }
  opts[key] = key === 'url' ? argv[i + 1] : Number(argv[i + 1]);
}

const samples = []; // [sent at (ms since start), time to first chunk (ms)]
const started = performance.now();
let finished = 0;

function client() {
  const socket = io(opts.url, { transports: ['websocket'], reconnection: false, forceNew: true });
  let sessionId;
  let sent = 0;
  let sentAt = 0;
  let first = false;
  const send = () => {
    sent += 1;
    sentAt = performance.now();
    first = false;
    socket.emit('message', { sessionId, message: 'Hello, I need someone to talk to' });
  };
  socket.on('connect', () => socket.emit('join_session', { sessionId: null }));
  socket.on('session_created', (data) => {
    sessionId = data.sessionId;
    send();
  });
  socket.on('message_chunk', () => {
    if (!first) {
      first = true;
      samples.push([sentAt - started, performance.now() - sentAt]);
    }
  });
  const done = () => {
    socket.close();
    finished += 1;
    if (finished === opts.clients) report();
  };
  socket.on('message_complete', () => (sent < 2 ? send() : done()));
  socket.on('error', done);
  socket.on('connect_error', done);
}

function summary(values) {
  const s = values.slice().sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
  return `n=${s.length} p50=${at(0.5)} p95=${at(0.95)} p99=${at(0.99)} max=${s[s.length - 1].toFixed(1)}`;
}

function report() {
  const buckets = new Map();
  for (const [at, ttfc] of samples) {
    const key = Math.floor(at / opts['bucket-ms']) * opts['bucket-ms'];
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key).push(ttfc);
  }
  for (const [key, values] of [...buckets].sort((a, b) => a[0] - b[0])) {
    console.log(`sent at ${key} ms: ${summary(values)}`);
  }
  console.log(`all: ${summary(samples.map((s) => s[1]))}`);
  process.exit(0);
}

for (let i = 0; i < opts.clients; i++) setTimeout(client, (i * opts['ramp-ms']) / opts.clients);
