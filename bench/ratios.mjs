#!/usr/bin/env node
// Prints the runs of results.jsonl from line N on as a table, with java/reference ratios.
//   node ratios.mjs bench/target/results.jsonl [N]
import fs from 'node:fs';

const [file, from = '0'] = process.argv.slice(2);
const runs = fs.readFileSync(file, 'utf8').trim().split('\n').slice(Number(from)).map((l) => JSON.parse(l));
const byScenario = new Map();
for (const r of runs) {
  if (!byScenario.has(r.scenario)) byScenario.set(r.scenario, {});
  byScenario.get(r.scenario)[r.label] = r;
}
const idle = (r) => r.rss_mb !== undefined && r.clients ? ((r.rss_mb - r.rss_start_mb) * 1024) / r.clients : undefined;
const figures = {
  'server CPU s / message': (r) => (r.server_cpu_s !== undefined && r.messages ? r.server_cpu_s / r.messages : undefined),
  'p50 ttfc ms': (r) => r.ttfc_ms?.p50,
  'p99 ttfc ms': (r) => r.ttfc_ms?.p99,
  'p99 total ms': (r) => r.total_ms?.p99,
  'KiB per idle connection': (r) => (r.scenario?.startsWith('idle') ? idle(r) : undefined),
  'connected': (r) => r.connected,
  'failed': (r) => r.failed,
  'errors': (r) => r.errors,
  'mismatches': (r) => r.mismatches,
  'p99 chunk gap ms': (r) => r.gap_ms?.p99,
  'peak RSS MB': (r) => r.rss_mb,
  'exit status': (r) => r.exit_status,
};
const fmt = (v) => (v === undefined || v === null ? '–' : typeof v === 'number' ? (Math.abs(v) < 0.1 && v !== 0 ? v.toPrecision(3) : String(Math.round(v * 100) / 100)) : String(v));
const row = (scenario, name, j, r) => {
  const ratio = typeof j === 'number' && typeof r === 'number' && r !== 0 ? fmt(j / r) : '–';
  console.log(`| ${scenario} | ${name} | ${fmt(j)} | ${fmt(r)} | ${ratio} |`);
};
console.log('| scenario | figure | java | reference | java / reference |');
console.log('|---|---|---|---|---|');
// `split` saturates the server's core on purpose: its latencies measure how many clients each
// server let in at once (the reference accepts them over seconds), and its CPU is read below.
const notForSplit = new Set(['server CPU s / message', 'p50 ttfc ms', 'p99 ttfc ms', 'p99 total ms']);
for (const [scenario, labels] of byScenario) {
  for (const [name, get] of Object.entries(figures)) {
    if (scenario.startsWith('split-') && notForSplit.has(name)) continue;
    const j = labels.java ? get(labels.java) : undefined;
    const r = labels.reference ? get(labels.reference) : undefined;
    if (j === undefined && r === undefined) continue;
    row(scenario, name, j, r);
  }
}

// `split`: the same connections with no message and with nine each, so a server's CPU divides
// into what a connection costs (connect, join, leave) and what each message adds to it.
const none = byScenario.get('split-0');
const nine = byScenario.get('split-9');
if (none && nine) {
  const parts = (label) => {
    const a = none[label];
    const b = nine[label];
    if (!a?.clients || !b?.messages || a.server_cpu_s === undefined || b.server_cpu_s === undefined) return {};
    const perConnection = a.server_cpu_s / a.clients;
    return { connection: perConnection * 1000, message: ((b.server_cpu_s - perConnection * b.clients) / b.messages) * 1000 };
  };
  const j = parts('java');
  const r = parts('reference');
  row('split', 'server CPU ms / connection (connect, join, leave)', j.connection, r.connection);
  row('split', 'server CPU ms / message beyond its connection', j.message, r.message);
}
