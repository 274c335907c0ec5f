// Product pictures: small local SVGs go into the page as data: URLs that draw the same picture;
// anything else keeps its address (lib/catalog/inline-image.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { productImageSrc } from '../../lib/catalog/inline-image';

test('a demo picture becomes a data: URL holding the same SVG', () => {
  const src = productImageSrc('/products/stoneware-mug.svg');
  assert.match(src, /^data:image\/svg\+xml,/);
  const svg = fs.readFileSync(path.join(process.cwd(), 'public', 'products', 'stoneware-mug.svg'), 'utf8');
  assert.equal(decodeURIComponent(src.slice('data:image/svg+xml,'.length)), svg.replace(/[\r\n]+/g, ' '));
  assert.doesNotMatch(src, /["<>#]/, 'nothing that would end the attribute or the URL');
});

test('other pictures keep their address', () => {
  for (const imagePath of ['/products/no-such-picture.svg', '/products/../../package.json', '/icon-512.png', 'https://cdn.example/x.svg', '/../secret.svg']) {
    assert.equal(productImageSrc(imagePath), imagePath, imagePath);
  }
});
