// Debian packages a script needs (Chromium, PostgreSQL, PHP's SoapClient…): installed with apt when
// missing and we are root, otherwise the script stops with the command to run. Shared by `npm test`
// and `npm run bench`.
import { spawnSync } from 'node:child_process';

/**
 * Makes sure `check()` holds, installing `packages` with apt-get when it does not and we are root.
 * `runner` names the command for the messages ("npm test", "npm run bench").
 */
export function ensureDebianPackages(check: () => boolean, packages: string[], why: string, runner = 'npm test'): void {
  if (check()) return;
  if (process.getuid?.() !== 0) {
    console.error(`${why} is missing. Install it with: sudo apt-get install -y ${packages.join(' ')}  (or run ${runner} as root to install it automatically).`);
    process.exit(1);
  }
  console.log(`Installing ${packages.join(', ')} with apt (${why} is missing)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args[0]} failed, so ${why} could not be installed; ${runner} cannot run without it.`);
      process.exit(1);
    }
  }
  if (!check()) {
    console.error(`${why} is still missing after installing ${packages.join(' ')}.`);
    process.exit(1);
  }
}
