// The CSP allows the build's own stylesheets inline by their hash, and nothing else inline
// without the nonce (lib/http/stylesheet-hashes.ts, lib/http/security-headers.ts).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { contentSecurityPolicy } from '../../lib/http/security-headers';
import { builtStylesheetHashes } from '../../lib/http/stylesheet-hashes';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

test("style-src names the nonce and each of the build's CSS files by hash", () => {
  const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylesheet-hashes-'));
  fs.mkdirSync(path.join(distDir, 'static', 'chunks'), { recursive: true });
  fs.writeFileSync(path.join(distDir, 'static', 'chunks', 'a.css'), 'body{margin:0}');
  fs.writeFileSync(path.join(distDir, 'static', 'chunks', 'b.css'), '.x{color:red}');
  fs.writeFileSync(path.join(distDir, 'static', 'chunks', 'c.js'), 'console.log(1)');
  const env = process.env as Record<string, string | undefined>;
  const before = env.NODE_ENV;
  env.NODE_ENV = 'production';
  try {
    const hashes = builtStylesheetHashes(distDir);
    assert.deepEqual(hashes, [sha256('body{margin:0}'), sha256('.x{color:red}')]);
    const styleSrc = contentSecurityPolicy('abc', hashes).split('; ').find((directive) => directive.startsWith('style-src'));
    assert.equal(styleSrc, `style-src 'self' 'nonce-abc' ${sha256('body{margin:0}')} ${sha256('.x{color:red}')}`);
    assert.doesNotMatch(contentSecurityPolicy('abc', hashes), /unsafe-inline/);
    // No build there: no hashes, and the policy is still whole.
    assert.deepEqual(builtStylesheetHashes(path.join(distDir, 'missing')), []);
  } finally {
    env.NODE_ENV = before;
    fs.rmSync(distDir, { recursive: true, force: true });
  }
});

test('outside production (next dev links its stylesheets) no hashes are listed', () => {
  const env = process.env as Record<string, string | undefined>;
  const before = env.NODE_ENV;
  env.NODE_ENV = 'development';
  try {
    assert.deepEqual(builtStylesheetHashes(path.join(os.tmpdir(), 'whatever')), []);
    assert.match(contentSecurityPolicy('abc'), /style-src 'self' 'nonce-abc'; /);
  } finally {
    env.NODE_ENV = before;
  }
});
