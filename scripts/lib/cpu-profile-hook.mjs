// Loaded into a shop process (NODE_OPTIONS=--import …/cpu-profile-hook.mjs) by
// scripts/lib/checkout-profile.ts: SIGUSR2 starts the V8 CPU profiler in-process, the next SIGUSR2
// stops it and writes the profile to $CPU_PROFILE_FILE. Only the window between them is profiled,
// not the start-up.
import fs from 'node:fs';
import inspector from 'node:inspector';

const file = process.env.CPU_PROFILE_FILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      fs.writeFileSync(file, JSON.stringify(error ? { error: String(error) } : result.profile));
    });
  });
}
