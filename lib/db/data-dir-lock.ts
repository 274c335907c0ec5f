// PGlite is a single-process database: two processes writing the same folder corrupt it.
// A lock file naming its holder turns that mistake into a clear error instead.
//
// The holder is named by pid *and* start time (Linux /proc/<pid>/stat, plus the boot id), because
// "is pid N alive?" alone is wrong right after a crash: a killed process stays a zombie until init
// reaps it (seconds, in some containers), and its pid may already belong to another process (a
// recreated container counts from 1 again). Without /proc (macOS) only the pid is compared.
import fs from 'node:fs';
import path from 'node:path';

export type DataDirLock = { release(): void };

/** What the lock file holds. Files from older versions hold only the pid. */
export type LockHolder = { pid: number; startTime?: number; bootId?: string };

export class DatabaseInUseError extends Error {
  constructor(
    dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is in use by process ${pid}. Stop that process first, ` +
        'or set DATABASE_URL to use a PostgreSQL server that several processes can share.',
    );
    this.name = 'DatabaseInUseError';
  }
}

/** Where process facts come from; tests point it at a fake /proc. */
export type ProcessTable = { procDir: string };
const SYSTEM: ProcessTable = { procDir: '/proc' };

type ProcStat = { state: string; startTime: number };

/** /proc/<pid>/stat's state and start time; null when there is no such process, undefined without /proc. */
export function readProcStat(pid: number, table: ProcessTable = SYSTEM): ProcStat | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(table.procDir, String(pid), 'stat'), 'utf8');
  } catch {
    return fs.existsSync(path.join(table.procDir, 'self')) ? null : undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTime = Number(fields[19]); // field 22, in clock ticks since boot
  return { state: fields[0] ?? '?', startTime: Number.isFinite(startTime) ? startTime : NaN };
}

function readBootId(table: ProcessTable): string | undefined {
  try {
    return fs.readFileSync(path.join(table.procDir, 'sys', 'kernel', 'random', 'boot_id'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** How this process names itself in the lock file. */
export function currentHolder(pid = process.pid, table: ProcessTable = SYSTEM): LockHolder {
  const stat = readProcStat(pid, table);
  const bootId = readBootId(table);
  return { pid, ...(stat && Number.isFinite(stat.startTime) ? { startTime: stat.startTime } : {}), ...(bootId ? { bootId } : {}) };
}

export function parseLockFile(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined;
    return {
      pid: value.pid as number,
      ...(typeof value.startTime === 'number' ? { startTime: value.startTime } : {}),
      ...(typeof value.bootId === 'string' ? { bootId: value.bootId } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Whether the process the lock names still runs (not a zombie, not another process with its pid). */
export function isHolderAlive(holder: LockHolder, table: ProcessTable = SYSTEM): boolean {
  const stat = readProcStat(holder.pid, table);
  if (stat === undefined) {
    try {
      process.kill(holder.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  if (stat === null) return false;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false; // killed, not yet reaped
  const bootId = readBootId(table);
  if (holder.bootId && bootId && holder.bootId !== bootId) return false; // written before a reboot
  // pid reused by another process (an unparsable start time proves nothing: assume it is the holder)
  if (holder.startTime !== undefined && Number.isFinite(stat.startTime) && holder.startTime !== stat.startTime) return false;
  return true;
}

const lockFile = (dir: string) => path.join(dir, 'seqr-shop.pid');

/** The live process holding the lock, if any. */
export function liveLockHolder(dir: string, table: ProcessTable = SYSTEM): LockHolder | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockFile(dir), 'utf8');
  } catch {
    return undefined;
  }
  const holder = parseLockFile(text);
  return holder && isHolderAlive(holder, table) ? holder : undefined;
}

export function acquireDataDirLock(dir: string, table: ProcessTable = SYSTEM): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = lockFile(dir);
  const me = currentHolder(process.pid, table);
  const content = JSON.stringify(me);
  for (let tries = 0; tries < 2; tries++) {
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8') === content) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let text = '';
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue; // released between our write and our read: try again
      }
      const holder = parseLockFile(text);
      if (holder && isHolderAlive(holder, table)) {
        if (holder.pid === process.pid) {
          throw new Error(`This process already has the embedded database in ${dir} open; share that connection instead.`);
        }
        throw new DatabaseInUseError(dir, holder.pid);
      }
      fs.rmSync(file, { force: true }); // stale lock from a process that died (or an unreadable file)
    }
  }
  throw new Error(`Could not lock the embedded database in ${dir}.`);
}

/**
 * Waits until no live process holds the lock (a previous instance may still be shutting down),
 * for at most `timeoutMs`; then throws DatabaseInUseError. It does not take the lock.
 */
export async function waitForDataDirLock(
  dir: string,
  opts: { timeoutMs: number; intervalMs?: number; onWait?: (holder: LockHolder) => void; table?: ProcessTable },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let told = false;
  for (;;) {
    const holder = liveLockHolder(dir, opts.table);
    if (!holder || holder.pid === process.pid) return; // our own lock: acquiring reports it
    if (Date.now() >= deadline) throw new DatabaseInUseError(dir, holder.pid);
    if (!told) opts.onWait?.(holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 200));
  }
}
