// The CSP hashes of the production build's stylesheets. next.config.js `inlineCss` puts the
// stylesheet into each App Router page as a <style>, but React writes that tag without the nonce
// (Next hands React the nonce for scripts only), so style-src allows exactly these contents by hash:
// the build's own CSS files, nothing a request could add. Read once per process: a running server's
// build does not change. Empty outside production, where Next links its stylesheets instead.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const cached = new Map<string, readonly string[]>();

function cssFiles(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // no build here (yet): the pages then link their stylesheets or are unstyled, never unsafe
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return cssFiles(full);
    return entry.name.endsWith('.css') ? [full] : [];
  });
}

/** `'sha256-…'` sources for style-src, one per CSS file of the build in `distDir` (default .next). */
export function builtStylesheetHashes(distDir = path.join(/* turbopackIgnore: true */ process.cwd(), '.next')): readonly string[] {
  if (process.env.NODE_ENV !== 'production') return [];
  let hashes = cached.get(distDir);
  if (!hashes) {
    hashes = cssFiles(path.join(distDir, 'static'))
      .sort()
      .map((file) => `'sha256-${createHash('sha256').update(fs.readFileSync(file)).digest('base64')}'`);
    cached.set(distDir, hashes);
  }
  return hashes;
}
