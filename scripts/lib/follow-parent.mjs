// Preloaded (`node --import`) by scripts/start.ts into its children, the sandbox and `next start`,
// and by `npm start` into scripts/start.ts itself. A parent killed with SIGKILL cannot pass a signal
// on, and orphans would keep the database lock and the ports, so the next start could not come up. When a process's parent dies,
// the OS hands it to another parent (init or a subreaper): a changed ppid means "stop".
// Polling the ppid, rather than an IPC channel's 'disconnect': it keeps nothing alive and leaves
// the channel alone for `next dev`, whose server child waits for a message on its own channel.
// Plain JavaScript: `next start` runs without a TypeScript loader.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  console.error(`Process ${process.pid} (${process.title}): the process that started it (${parent}) is gone; stopping.`);
  // The child's own graceful shutdown (its SIGTERM handler), and a hard exit should that hang.
  setTimeout(() => process.exit(1), 5000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 250);
watch.unref();
