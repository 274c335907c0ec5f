// The embedded database's lock file: a lock left by a dead process is stale at once (also when its
// pid now belongs to another process, or the holder is a zombie init has not reaped yet), a live
// holder is respected, and a restart can wait for a holder that is exiting. Most cases use a fake
// /proc (deterministic, any OS); the last ones check the parsing against the real kernel (Linux).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  acquireDataDirLock,
  currentHolder,
  DatabaseInUseError,
  isHolderAlive,
  parseLockFile,
  readProcStat,
  waitForDataDirLock,
  type LockHolder,
  type ProcessTable,
} from '../../lib/db/data-dir-lock';

const HAS_PROC = fs.existsSync('/proc/self/stat');
const BOOT = 'b00t-1d';
const temps: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqr-shop-lock-unit-'));
  temps.push(dir);
  return dir;
}

/** A fake /proc: `processes` as pid → state and start time (a command name with spaces and parentheses, as the kernel allows). */
function fakeProc(processes: Record<number, { state?: string; startTime: number }>, bootId = BOOT): ProcessTable {
  const procDir = tempDir();
  fs.mkdirSync(path.join(procDir, 'self'));
  fs.mkdirSync(path.join(procDir, 'sys', 'kernel', 'random'), { recursive: true });
  fs.writeFileSync(path.join(procDir, 'sys', 'kernel', 'random', 'boot_id'), `${bootId}\n`);
  for (const [pid, { state = 'S', startTime }] of Object.entries(processes)) {
    fs.mkdirSync(path.join(procDir, pid));
    const fields = [state, ...Array<string>(18).fill('0'), String(startTime), '0', '0']; // fields 3…24
    fs.writeFileSync(path.join(procDir, pid, 'stat'), `${pid} (next-server (v16) x) ${fields.join(' ')}\n`);
  }
  return { procDir };
}

function writeLock(dir: string, content: LockHolder | string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'seqr-shop.pid'), typeof content === 'string' ? content : JSON.stringify(content));
}

const lockContent = (dir: string) => parseLockFile(fs.readFileSync(path.join(dir, 'seqr-shop.pid'), 'utf8'));
const OTHER = 424_242; // a pid that is never this test process

test('a lock naming a process that no longer exists is taken over at once', () => {
  const table = fakeProc({});
  const dir = tempDir();
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  const lock = acquireDataDirLock(dir, table);
  assert.equal(lockContent(dir)?.pid, process.pid);
  lock.release();
  assert.equal(fs.existsSync(path.join(dir, 'seqr-shop.pid')), false, 'release removes it');
});

test('a lock whose pid now belongs to another process (another start time) is stale', () => {
  const table = fakeProc({ [OTHER]: { startTime: 2000 } });
  const dir = tempDir();
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  acquireDataDirLock(dir, table).release();
});

test('a lock naming this very pid from an earlier life (a recreated container) is stale, not "already open"', () => {
  const table = fakeProc({ [process.pid]: { startTime: 5000 } });
  const dir = tempDir();
  writeLock(dir, { pid: process.pid, startTime: 4000, bootId: BOOT });
  const lock = acquireDataDirLock(dir, table);
  assert.deepEqual(lockContent(dir), { pid: process.pid, startTime: 5000, bootId: BOOT });
  lock.release();
});

test('a lock held by a zombie (killed, not yet reaped by init) is stale', () => {
  const table = fakeProc({ [OTHER]: { state: 'Z', startTime: 1000 } });
  const dir = tempDir();
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  acquireDataDirLock(dir, table).release();
});

test('a lock written before a reboot is stale even when pid and start time match again', () => {
  const table = fakeProc({ [OTHER]: { startTime: 1000 } }, 'another-boot');
  const dir = tempDir();
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  acquireDataDirLock(dir, table).release();
});

test('a live holder is respected: the second process stops with the sentence, and the lock stays', () => {
  const table = fakeProc({ [OTHER]: { startTime: 1000 } });
  const dir = tempDir();
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  assert.throws(
    () => acquireDataDirLock(dir, table),
    (error: unknown) => {
      assert.ok(error instanceof DatabaseInUseError);
      assert.match(error.message, new RegExp(`is in use by process ${OTHER}\\. Stop that process first`));
      return true;
    },
  );
  assert.equal(lockContent(dir)?.pid, OTHER);
});

test('a lock file of the older format (only a pid) is judged by that pid', () => {
  const table = fakeProc({ [OTHER]: { startTime: 1000 } });
  const live = tempDir();
  writeLock(live, String(OTHER));
  assert.throws(() => acquireDataDirLock(live, table), DatabaseInUseError);
  const dead = tempDir();
  writeLock(dead, String(OTHER + 1));
  acquireDataDirLock(dead, table).release();
  const garbage = tempDir();
  writeLock(garbage, 'not a lock');
  acquireDataDirLock(garbage, table).release();
});

test('this process opening the database twice is told to share its connection', () => {
  const dir = tempDir();
  const lock = acquireDataDirLock(dir);
  try {
    assert.throws(() => acquireDataDirLock(dir), /This process already has the embedded database/);
  } finally {
    lock.release();
  }
});

test('release leaves a lock that another process took over alone', () => {
  const table = fakeProc({});
  const dir = tempDir();
  const lock = acquireDataDirLock(dir, table);
  writeLock(dir, { pid: OTHER, startTime: 1, bootId: BOOT });
  lock.release();
  assert.equal(lockContent(dir)?.pid, OTHER);
});

test('without /proc, only the pid is recorded and liveness is asked with kill(pid, 0)', () => {
  const table: ProcessTable = { procDir: path.join(tempDir(), 'no-proc') };
  assert.equal(readProcStat(process.pid, table), undefined);
  assert.deepEqual(currentHolder(process.pid, table), { pid: process.pid });
  assert.equal(isHolderAlive({ pid: process.pid, startTime: 1 }, table), true, 'a start time cannot be checked: the pid decides');
  const exited = spawnSync(process.execPath, ['-e', '']).pid;
  assert.equal(isHolderAlive({ pid: exited }, table), false);
});

test('a restart waits for a holder that is exiting, then goes on', async () => {
  const dir = tempDir();
  const table = fakeProc({ [OTHER]: { startTime: 1000 } });
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  const waits: number[] = [];
  setTimeout(() => fs.rmSync(path.join(table.procDir, String(OTHER)), { recursive: true }), 600); // the holder exits
  const started = Date.now();
  await waitForDataDirLock(dir, { timeoutMs: 10_000, intervalMs: 50, table, onWait: (holder) => waits.push(holder.pid) });
  assert.ok(Date.now() - started >= 500, 'it waited for the holder');
  assert.deepEqual(waits, [OTHER], 'it said once whom it waits for');
  acquireDataDirLock(dir, table).release();
});

test('a restart gives up on a holder that stays, with the sentence, after the bounded wait', async () => {
  const dir = tempDir();
  const table = fakeProc({ [OTHER]: { startTime: 1000 } });
  writeLock(dir, { pid: OTHER, startTime: 1000, bootId: BOOT });
  const started = Date.now();
  await assert.rejects(waitForDataDirLock(dir, { timeoutMs: 400, intervalMs: 50, table }), DatabaseInUseError);
  assert.ok(Date.now() - started >= 400);
});

test('a free data dir needs no wait', async () => {
  await waitForDataDirLock(tempDir(), { timeoutMs: 0, onWait: () => assert.fail('nothing to wait for') });
});

// The real kernel: the parsing above matches /proc, and a real zombie counts as dead.
const linux = { skip: !HAS_PROC && 'needs /proc (Linux)' };

test('real processes: a running process holds the lock; its identity includes its start time', linux, async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  const holder = currentHolder(child.pid);
  assert.ok(Number.isInteger(holder.startTime) && holder.startTime! > 0, `a start time: ${JSON.stringify(holder)}`);
  assert.ok(holder.bootId, 'a boot id');
  const dir = tempDir();
  writeLock(dir, holder);
  assert.throws(() => acquireDataDirLock(dir), DatabaseInUseError);
  writeLock(dir, { ...holder, startTime: holder.startTime! - 1 }); // its pid, another process
  acquireDataDirLock(dir).release();
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  writeLock(dir, holder);
  acquireDataDirLock(dir).release();
});

test('real processes: a SIGKILLed holder that is still a zombie is stale at once', linux, () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  const dir = tempDir();
  writeLock(dir, currentHolder(child.pid));
  child.kill('SIGKILL');
  // Synchronously, so Node cannot reap it: it stays a zombie while we look.
  const deadline = Date.now() + 10_000;
  while (readProcStat(child.pid!)?.state !== 'Z') {
    if (Date.now() > deadline) assert.fail(`pid ${child.pid} did not become a zombie`);
  }
  assert.equal(isHolderAlive(currentHolder(child.pid)), false);
  acquireDataDirLock(dir).release();
});
