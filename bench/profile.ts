import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  selfPercent: number;
}

/** Where a frame's code lives: a package under node_modules, a file of the hub, or node itself. */
function moduleOf(url: string): string {
  if (!url) return '(native/gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `hub: ${url.slice(dist + 1)}`;
  if (url.startsWith('node:')) return url;
  return url;
}

/** Frames of the process start (module loading, migrations, schema build): not what a request costs. */
function isStartupFrame(n: ProfileNode): boolean {
  const { functionName, url } = n.callFrame;
  return url.includes('cjs/loader') || (['bootHub', 'prepareDatabase', 'buildHubSchema', 'main'].includes(functionName) && url.includes('/dist/'));
}

/**
 * Self time of a V8 CPU profile (`node --cpu-prof`) by function and by module, largest first. The
 * process start is left out (samples under module loading, migrations and the schema build), so the
 * figures are those of serving requests.
 */
export function summarizeProfile(file: string, top = 25): { functions: ProfileEntry[]; modules: ProfileEntry[]; totalMs: number } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const startup = new Map<number, boolean>();
  const underStartup = (id: number): boolean => {
    const known = startup.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    const p = parent.get(id);
    const v = !!n && (isStartupFrame(n) || (p !== undefined && underStartup(p)));
    startup.set(id, v);
    return v;
  };
  const self = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    profile.samples.forEach((id, i) => {
      if (!underStartup(id)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0));
    });
  } else {
    for (const n of profile.nodes) if (!underStartup(n.id)) self.set(n.id, n.hitCount ?? 0);
  }
  let total = 0;
  const fnTotals = new Map<string, number>();
  const modTotals = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += t;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      fnTotals.set(functionName, (fnTotals.get(functionName) ?? 0) + t);
      modTotals.set(functionName, (modTotals.get(functionName) ?? 0) + t);
      continue;
    }
    const mod = moduleOf(url);
    const key = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''} [${mod}]`;
    fnTotals.set(key, (fnTotals.get(key) ?? 0) + t);
    modTotals.set(mod, (modTotals.get(mod) ?? 0) + t);
  }
  const busy = total - (fnTotals.get('(idle)') ?? 0);
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, selfPercent: Number(((100 * t) / Math.max(1, busy)).toFixed(1)) }));
  return { functions: rank(fnTotals), modules: rank(modTotals), totalMs: Math.round(busy / 1000) };
}

/** The newest profile in a folder. */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}

if (require.main === module) {
  const file = process.argv[2] ?? newestProfile(path.resolve(__dirname, '..', '.data', 'bench', 'prof'));
  if (!file) {
    console.error('no profile: run `BENCH_CPU_PROF=1 npm run bench` first, or pass a .cpuprofile');
    process.exit(1);
  }
  const s = summarizeProfile(file, Number(process.argv[3] ?? 30));
  console.log(`${file}: ${s.totalMs} ms on CPU (idle excluded)\n\nBy module (self time):`);
  for (const e of s.modules) console.log(`  ${e.selfPercent.toFixed(1).padStart(5)} %  ${e.name}`);
  console.log('\nBy function (self time):');
  for (const e of s.functions) console.log(`  ${e.selfPercent.toFixed(1).padStart(5)} %  ${e.name}`);
}
