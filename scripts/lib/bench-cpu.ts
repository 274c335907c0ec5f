// Where the CPU went during each measure (Linux /proc): the two cores are shared by the shops,
// PostgreSQL, the sandbox, the bench's own load generator, and whatever else runs on the machine.
// Without this, a slow figure cannot be told apart from a busy neighbour.
import fs from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ, 100 on every Linux we run on

type Group = 'shops' | 'postgres' | 'sandbox' | 'bench';

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime, and cutime + cstime (children that exited and were waited for). */
  own: number;
  children: number;
  cmdline: string;
}

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may contain spaces: split after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.push({ pid: Number(entry), ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

export interface CpuSnapshot {
  at: number;
  machineBusy: number;
  groups: Record<Group, number>;
}

/** Busy ticks of the whole machine (all cores) since boot. */
function machineBusyTicks(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

export function cpuSnapshot(postgresPort: number): CpuSnapshot {
  const procs = readProcs();
  const byParent = new Map<number, Proc[]>();
  for (const proc of procs) byParent.set(proc.ppid, [...(byParent.get(proc.ppid) ?? []), proc]);
  const tree = (root: Proc): number => root.own + root.children + (byParent.get(root.pid) ?? []).reduce((sum, child) => sum + tree(child), 0);
  const groups: Record<Group, number> = { shops: 0, postgres: 0, sandbox: 0, bench: 0 };
  const self = procs.find((proc) => proc.pid === process.pid);
  if (self) groups.bench = self.own;
  for (const child of byParent.get(process.pid) ?? []) {
    // `next start` renames itself "next-server (v16…)", which is what /proc shows.
    if (child.cmdline.includes('sandbox/main.ts')) groups.sandbox += tree(child);
    else if (/next/.test(child.cmdline)) groups.shops += tree(child);
  }
  // pg_ctl detaches the server: find its postmaster by the port it was started with.
  const postmaster = procs.find((proc) => /\/postgres\b/.test(proc.cmdline) && proc.cmdline.includes(`-p ${postgresPort}`));
  if (postmaster) groups.postgres = tree(postmaster);
  return { at: Date.now(), machineBusy: machineBusyTicks(), groups };
}

export interface CpuUse {
  seconds: number;
  /** Percent of ONE core, averaged over the phase (two cores = 200 %). */
  machine: number;
  shops: number;
  postgres: number;
  sandbox: number;
  bench: number;
  /** Everything else on the machine: other people's work. */
  others: number;
}

export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const seconds = (to.at - from.at) / 1000;
  const percent = (ticks: number) => Math.round((ticks / TICKS_PER_S / Math.max(seconds, 0.001)) * 100);
  const ours = (Object.keys(to.groups) as Group[]).reduce((sum, group) => sum + to.groups[group] - from.groups[group], 0);
  const machine = to.machineBusy - from.machineBusy;
  return {
    seconds: Math.round(seconds),
    machine: percent(machine),
    shops: percent(to.groups.shops - from.groups.shops),
    postgres: percent(to.groups.postgres - from.groups.postgres),
    sandbox: percent(to.groups.sandbox - from.groups.sandbox),
    bench: percent(to.groups.bench - from.groups.bench),
    others: Math.max(0, percent(machine - ours)),
  };
}
