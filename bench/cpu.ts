import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident set size of a process now, in MiB (VmRSS of /proc/<pid>/status; 0 when it is gone). */
export function processRssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The live child processes of a process (the hub's workers under HUB_WORKERS). */
function childPids(parentPid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === parentPid) out.push(Number(name));
  }
  return out;
}

/**
 * CPU time used so far by the children of a postmaster (its backends and workers), in ms: the live
 * ones, plus those that exited (the postmaster's cutime and cstime), so closed connections count too.
 */
export function childrenCpuMs(parentPid: number): number {
  const parent = statFields(parentPid);
  let total = parent ? ((Number(parent[13]) + Number(parent[14])) * 1000) / TICKS_PER_SECOND : 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === parentPid) total += ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
  }
  return total;
}

/**
 * CPU spent by the process under test and by the database between `start()` and `stop()`: per
 * request, this does not depend on how busy the rest of the machine is, as throughput does. It also
 * samples the app's resident memory (with its children's under `withChildren`) every 250 ms in
 * between: the peak is the memory the load cost.
 */
export class CpuMeter {
  private app0 = 0;
  private db0 = 0;
  private rssPeak = 0;
  private sampler: NodeJS.Timeout | null = null;
  /** `withChildren`: the app's child processes count as the app (the hub's workers under HUB_WORKERS). */
  constructor(
    private readonly appPid: number | null,
    private readonly postmasterPid: number | null,
    private readonly withChildren = false,
  ) {}
  private appCpuMs(): number {
    if (!this.appPid) return 0;
    return processCpuMs(this.appPid) + (this.withChildren ? childrenCpuMs(this.appPid) : 0);
  }
  private appRssMb(): number {
    if (!this.appPid) return 0;
    const pids = [this.appPid, ...(this.withChildren ? childPids(this.appPid) : [])];
    return pids.reduce((sum, pid) => sum + processRssMb(pid), 0);
  }
  start(): void {
    this.app0 = this.appCpuMs();
    this.db0 = this.postmasterPid ? childrenCpuMs(this.postmasterPid) : 0;
    this.rssPeak = this.appRssMb();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = setInterval(() => (this.rssPeak = Math.max(this.rssPeak, this.appRssMb())), 250);
  }
  stop(): { appMs: number; dbMs: number | null; appRssPeakMb: number } {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    return {
      appMs: this.appCpuMs() - this.app0,
      dbMs: this.postmasterPid ? childrenCpuMs(this.postmasterPid) - this.db0 : null,
      appRssPeakMb: Math.round(Math.max(this.rssPeak, this.appRssMb())),
    };
  }
}
