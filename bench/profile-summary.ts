import { readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { findSourceMap, type SourceMapping } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEntryModule } from './results.js';

/**
 * `tsx bench/profile-summary.ts <node.cpuprofile> [top]`: where a V8 CPU profile's time went (the one
 * `BENCH_DISPATCH_PROFILE` writes): the functions with the most self time; the same charged to the nearest
 * frame of this repository's code (a library's or node's time counted to the code of ours that called
 * it); and the share of the samples under each part of the process (the simulators, the stream pollers,
 * the consumers, ...), each sample counted once, to the first part of `PARTS` a frame of its stack is in.
 * A stack is the synchronous one: what runs after an `await` in a socket's callback (the SDK parsing an
 * answer) has no frame of its caller, and counts as `other`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The profile with each frame of a module tsx compiled at its place in the TypeScript source (tsx's output
 * is a line or two per module: its positions say nothing). Only in the process that ran the code, started
 * with `--enable-source-maps` (node keeps the maps then); elsewhere the profile comes back as it was.
 */
export const atSourcePositions = (profile: Profiler.Profile): Profiler.Profile => ({
  ...profile,
  nodes: profile.nodes.map((node) => {
    const { url, lineNumber, columnNumber } = node.callFrame;
    const found = url.endsWith('.ts') ? findSourceMap(url)?.findEntry(lineNumber, columnNumber) : undefined;
    const entry = found && 'originalLine' in found ? (found as SourceMapping) : undefined;
    if (!entry) return node;
    return {
      ...node,
      callFrame: { ...node.callFrame, lineNumber: entry.originalLine, columnNumber: entry.originalColumn },
    };
  }),
});

const sources = new Map<string, string[]>();
/** The line of this repository's source a frame is at (what a nameless arrow function is known by). */
const sourceLine = (file: string, line: number) => {
  if (!sources.has(file))
    try {
      sources.set(file, readFileSync(resolve(ROOT, file), 'utf8').split('\n'));
    } catch {
      sources.set(file, []);
    }
  return sources.get(file)?.[line]?.trim().slice(0, 70) ?? '';
};

const fileOf = (url: string) => {
  if (!url) return '';
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
};
const ownCode = (file: string) =>
  file !== '' && !file.startsWith('node_modules/') && !file.startsWith('/') && !file.startsWith('node:');

const label = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode) => {
  const file = fileOf(url);
  const where = file ? `${file.replace(/^.*node_modules\//, '~/')}:${lineNumber + 1}` : '';
  const name = functionName && functionName !== '__name' ? functionName : '';
  return ownCode(file)
    ? `${where} ${name || sourceLine(file, lineNumber)}`
    : `${name || '(anonymous)'} ${where}`.trim();
};

/** Parts of the process, by a file their frames are in: the first from the root of the stack wins. */
const PARTS: [string, RegExp][] = [
  ['simulators (not ours: the partners)', /^local\/simulators\//],
  ['stream poller: metrics aggregator', /^functions\/streams\/|^functions\/core\/metrics\/|metric-changes/],
  ['stream poller: event bus', /^local\/event-bus/],
  ['stream polling (SDK reads of the stream)', /^local\/streams/],
  ['materialiser', /^functions\/events\/|^functions\/core\/dispatch\/materialize/],
  ['dispatch consumer', /^functions\/queue\/|^local\/dispatcher/],
  ['sweep', /^functions\/scheduled\//],
  ['API (the bench polling the campaign)', /^local\/server|^functions\/api\//],
  ['bench', /^bench\//],
];

const summarise = (profile: Profile, top: number) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const charged = new Map<string, number>();
  const parts = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    total += us;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      return;
    }
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame) stack.push(frame);
    }
    const nearest = stack.find((frame) => ownCode(fileOf(frame.callFrame.url)));
    const ownLabel = nearest ? label(nearest) : label(node);
    charged.set(ownLabel, (charged.get(ownLabel) ?? 0) + us);
    const files = stack.map((frame) => fileOf(frame.callFrame.url)).reverse();
    const part =
      PARTS.find(([, pattern]) => files.some((file) => pattern.test(file)))?.[0] ??
      (node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : 'other');
    parts.set(part, (parts.get(part) ?? 0) + us);
  });
  const busy = total - idle;
  const print = (title: string, entries: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    for (const [name, us] of [...entries].sort(([, a], [, b]) => b - a).slice(0, n))
      console.log(
        `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${name}`,
      );
  };
  console.log(
    `${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy on the main thread (percentages of busy)`,
  );
  print('Parts of the process', parts, PARTS.length + 5);
  print('Self time', self, top);
  print("Charged to the nearest frame of this repository's code", charged, top);
};

if (isEntryModule(import.meta.url)) {
  const [file, top = '40'] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top));
}
