#!/usr/bin/env node
// Streaming smoothness: many clients each send one message and record, with the official
// Socket.IO client, the time between consecutive message_chunk events of their reply.
//
//   node chunk-gaps.mjs --url http://127.0.0.1:3001 [--clients 100] [--ramp-ms 1000]
//                       [--timeout-ms 120000] [--text "Hello"]
//
// Prints one JSON line: {clients, ok, errors, mismatches, timeouts, chunks, gap_ms, ttfc_ms,
// total_ms} with p50/p95/p99/max. Exit status 1 on any error, mismatch or timeout.
import { io } from 'socket.io-client';
import { performance } from 'node:perf_hooks';

const opts = { url: 'http://127.0.0.1:3001', clients: 100, 'ramp-ms': 1000, 'timeout-ms': 120000, text: 'Hello, I need someone to talk to' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts) || argv[i + 1] === undefined) {
    process.stderr.write(`chunk-gaps: bad argument ${argv[i]}\n`);
    process.exit(2);
  }
  opts[key] = typeof opts[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
}

const gaps = [];
const ttfc = [];
const totals = [];
let ok = 0;
let errors = 0;
let mismatches = 0;
let timeouts = 0;
let chunks = 0;

function pct(values) {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const at = (p) => Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
  return { p50: at(50), p95: at(95), p99: at(99), max: Math.round(s[s.length - 1] * 10) / 10 };
}

function runClient(index) {
  return new Promise((resolve) => {
    const socket = io(opts.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    let sessionId;
    let text = '';
    let start = 0;
    let last = 0;
    const timer = setTimeout(() => { timeouts++; finish(); }, opts['timeout-ms']);
    function finish() {
      clearTimeout(timer);
      socket.close();
      resolve();
    }
    socket.on('connect', () => socket.emit('join_session', { sessionId: null }));
    socket.on('session_created', (data) => {
      sessionId = data.sessionId;
      start = performance.now();
      socket.emit('message', { sessionId, message: opts.text });
    });
    socket.on('message_chunk', (data) => {
      if (data.sessionId !== sessionId) return;
      const now = performance.now();
      if (last === 0) ttfc.push(now - start);
      else gaps.push(now - last);
      last = now;
      chunks++;
      text += data.chunk;
    });
    socket.on('message_complete', (data) => {
      if (data.sessionId !== sessionId) return;
      totals.push(performance.now() - start);
      if (data.message === text) ok++;
      else mismatches++;
      finish();
    });
    socket.on('error', () => { errors++; finish(); });
    socket.on('connect_error', () => { errors++; finish(); });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') { errors++; finish(); }
    });
  });
}

const runs = [];
const spacing = opts.clients > 1 ? opts['ramp-ms'] / (opts.clients - 1) : 0;
for (let i = 0; i < opts.clients; i++) {
  runs.push(new Promise((r) => setTimeout(r, i * spacing)).then(() => runClient(i)));
}
await Promise.all(runs);
const summary = { clients: opts.clients, ok, errors, mismatches, timeouts, chunks, gap_ms: pct(gaps), ttfc_ms: pct(ttfc), total_ms: pct(totals) };
process.stdout.write(JSON.stringify(summary) + '\n', () => process.exit(errors || mismatches || timeouts || ok !== opts.clients ? 1 : 0));
