// Series expansion micro-benchmark: µs per call of occurrencesInWindow (and of
// nextOccurrenceAtOrAfter / seriesEnd) for representative series, before and after.
//
//   npx node scripts/bench/expand.mjs      (the pinned Node 22; takes a few minutes)
//   BENCH_BASE=<commit> npx node scripts/bench/expand.mjs
//
// "before" is src/time as committed at a git revision (BENCH_BASE, default HEAD — once the fast
// path is committed, name the commit before it), "after" is the working tree; both are bundled with esbuild into a scratch directory and loaded side by side,
// so one run compares them on the same machine state. Every call's result is also compared
// between the two and any difference is reported (and fails the run), so a speed-up that
// changes behaviour cannot pass unnoticed.
//
// Two figures per series: "warm" repeats the same series (what a Worker isolate sees across
// requests), "distinct" gives each call a series never seen before (its start a few seconds later),
// which defeats per-series caches and shows the cost of a first expansion.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const base = process.env.BENCH_BASE ?? 'HEAD';
const DAY = 86_400_000;
const NY = 'America/New_York';
const BER = 'Europe/Berlin';

// [label, startLocal, zone, rules]; all series started well before the windows.
const SERIES = [
  ['daily NY', '2023-02-01T09:00:00', NY, ['RRULE:FREQ=DAILY']],
  ['daily COUNT=1000 Berlin', '2024-01-01T08:30:00', BER, ['RRULE:FREQ=DAILY;COUNT=1000']],
  ['daily UNTIL Berlin', '2024-01-01T08:30:00', BER, ['RRULE:FREQ=DAILY;UNTIL=20271231T235959Z']],
  ['weekdays NY', '2022-06-06T10:00:00', NY, ['RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR']],
  ['weekly NY', '2021-01-04T09:00:00', NY, ['RRULE:FREQ=WEEKLY']],
  ['weekly MO,WE,FR COUNT=300 NY', '2024-01-08T09:00:00', NY, ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=300']],
  ['weekly MO,WE,FR COUNT=300 Berlin', '2024-01-08T17:00:00', BER, ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=300']],
  ['biweekly TU,TH UNTIL NY', '2024-01-02T14:00:00', NY, ['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270101T000000Z']],
  ['weekly + EXDATE/RDATE Berlin', '2024-01-01T09:00:00', BER, [
    'RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE;TZID=Europe/Berlin:20250331T090000', 'RDATE:20250402T070000Z',
  ]],
  ['monthly 15th NY', '2022-01-15T12:00:00', NY, ['RRULE:FREQ=MONTHLY']],
  ['monthly last FR COUNT=36 Berlin', '2024-01-26T10:00:00', BER, ['RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=36']],
  ['monthly 1st,15th UNTIL NY', '2023-01-01T09:00:00', NY, ['RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15;UNTIL=20281231']],
  ['yearly Berlin', '2015-03-30T09:00:00', BER, ['RRULE:FREQ=YEARLY']],
];
// Windows around the spring 2025 DST changes (US 9 March, EU 30 March).
const WINDOWS = [
  ['1 week', Date.UTC(2025, 2, 6), 7 * DAY],
  ['30 days', Date.UTC(2025, 2, 10), 30 * DAY],
];

async function bundle(srcRoot, out) {
  await build({
    stdin: { contents: "export * from './src/time/recurrence';", resolveDir: srcRoot, loader: 'ts' },
    bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', nodePaths: [join(root, 'node_modules')],
  });
  return import(pathToFileURL(out).href);
}

const scratch = mkdtempSync(join(tmpdir(), 'bench-expand-'));
let failed = false;
try {
  // The committed src/time, written out file by file.
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', base, 'src/time'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  for (const f of files) {
    mkdirSync(dirname(join(scratch, 'base', f)), { recursive: true });
    writeFileSync(join(scratch, 'base', f), execFileSync('git', ['show', `${base}:${f}`], { cwd: root }));
  }
  const before = await bundle(join(scratch, 'base'), join(scratch, 'before.mjs'));
  const after = await bundle(root, join(scratch, 'after.mjs'));

  // Variant i of a series starts i seconds later (under a day, so its pattern stays the same).
  const spec = (s, i = 0) => ({
    startLocal: i ? new Date(Date.parse(`${s[1]}Z`) + (i % 50_000) * 1000).toISOString().slice(0, 19) : s[1],
    timeZone: s[2], durationSeconds: 3600, rules: s[3],
  });
  const show = (v) => JSON.stringify(Array.isArray(v) ? v.map((d) => d.toISOString()) : v?.toISOString() ?? null);
  const CALLS = [
    ...WINDOWS.map(([name, from, len]) => [`window ${name}`, (m, sp) => m.occurrencesInWindow(sp, new Date(from), new Date(from + len))]),
    ['nextOccurrenceAtOrAfter', (m, sp) => m.nextOccurrenceAtOrAfter(sp, new Date(Date.UTC(2025, 2, 20, 12)))],
    ['seriesEnd', (m, sp) => m.seriesEnd(sp)],
  ];

  // A first pass over every series and call in a fresh process: empty caches, cold JIT — what
  // the first request to a new isolate pays.
  const firstPass = (file) => Number(execFileSync(process.execPath, ['--input-type=module', '-e', `
    const m = await import(${JSON.stringify(pathToFileURL(file).href)});
    const series = ${JSON.stringify(SERIES)};
    const t0 = performance.now();
    for (const s of series) {
      const sp = { startLocal: s[1], timeZone: s[2], durationSeconds: 3600, rules: s[3] };
      for (const [, from, len] of ${JSON.stringify(WINDOWS)}) m.occurrencesInWindow(sp, new Date(from), new Date(from + len));
      m.nextOccurrenceAtOrAfter(sp, new Date(Date.UTC(2025, 2, 20, 12)));
      m.seriesEnd(sp);
    }
    console.log(performance.now() - t0);
  `], { encoding: 'utf8' }).trim());
  const med = (f) => [0, 1, 2].map(f).sort((x, y) => x - y)[1];
  const coldBefore = med(() => firstPass(join(scratch, 'before.mjs')));
  const coldAfter = med(() => firstPass(join(scratch, 'after.mjs')));

  // Same results, call by call, for the warm spec and a handful of distinct ones.
  for (const s of SERIES) {
    for (const [call, fn] of CALLS) {
      for (const minute of [0, 7, 3599, 40_000]) {
        const a = show(fn(before, spec(s, minute)));
        const b = show(fn(after, spec(s, minute)));
        if (a !== b) {
          failed = true;
          console.log(`MISMATCH ${s[0]} / ${call} (minute ${minute}):\n  before ${a}\n  after  ${b}`);
        }
      }
    }
  }

  // Median of several timed batches, after warming the JIT and the caches.
  const time = (fn, distinct) => {
    let minute = 0;
    const batch = (n) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn(distinct ? ++minute : 0);
      return ((performance.now() - t0) * 1000) / n;
    };
    batch(20);
    let n = 1;
    while (batch(n) * n < 20_000 && n < 4096) n *= 2; // batches of ≥ ~20 ms
    const runs = Array.from({ length: 7 }, () => batch(n)).sort((x, y) => x - y);
    return runs[3];
  };

  const rows = [];
  for (const [call, fn] of CALLS) {
    console.log(`\n${call}: µs per call (warm = same series again; distinct = a new series each call)`);
    console.log(`${'series'.padEnd(34)} ${'before warm'.padStart(12)} ${'after warm'.padStart(11)} ${'×'.padStart(6)} ${'before dist'.padStart(12)} ${'after dist'.padStart(11)} ${'×'.padStart(6)}`);
    for (const s of SERIES) {
      const bw = time(() => fn(before, spec(s)), false);
      const aw = time(() => fn(after, spec(s)), false);
      const bd = time((m) => fn(before, spec(s, m)), true);
      const ad = time((m) => fn(after, spec(s, m)), true);
      rows.push({ call, series: s[0], bw, aw, bd, ad });
      const f = (x) => x.toFixed(1).padStart(11);
      console.log(`${s[0].padEnd(34)} ${f(bw)} ${f(aw).padStart(11)} ${(bw / aw).toFixed(1).padStart(6)} ${f(bd)} ${f(ad)} ${(bd / ad).toFixed(1).padStart(6)}`);
    }
  }
  const gm = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  const win = rows.filter((r) => r.call.startsWith('window'));
  console.log(`\nfirst pass in a fresh process (all ${SERIES.length} series, every call above once): before ${coldBefore.toFixed(1)} ms, after ${coldAfter.toFixed(1)} ms`);
  console.log(`window calls, geometric mean speed-up: warm ${gm(win.map((r) => r.bw / r.aw)).toFixed(1)}×, distinct ${gm(win.map((r) => r.bd / r.ad)).toFixed(1)}×`);
  if (failed) console.log('\nRESULTS DIFFER between before and after (see MISMATCH lines)');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
