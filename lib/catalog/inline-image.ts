// Product pictures written into the page as data: URLs (img-src allows data:). The demo pictures
// are SVGs of a few hundred bytes: a separate request for each costs a phone a round trip before
// the picture (often the page's largest paint) can show, the bytes in the HTML cost nothing.
// Anything else (another format, a bigger file, a path outside public/) keeps its URL.
import fs from 'node:fs';
import path from 'node:path';

/** Larger SVGs stay separate requests, cached by the browser across pages. */
const MAX_INLINE_BYTES = 4096;
const PUBLIC_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), 'public');
const cache = new Map<string, string>();

function readInline(imagePath: string): string {
  if (!/^\/[\w./-]+\.svg$/.test(imagePath)) return imagePath;
  const file = path.resolve(PUBLIC_DIR, `.${imagePath}`);
  if (!file.startsWith(PUBLIC_DIR + path.sep)) return imagePath;
  try {
    const svg = fs.readFileSync(file, 'utf8');
    if (Buffer.byteLength(svg) > MAX_INLINE_BYTES) return imagePath;
    // Percent-encoding only what a URL or an attribute cannot hold: shorter than base64 for SVG.
    return `data:image/svg+xml,${svg.replace(/[\r\n]+/g, ' ').replace(/[%#<>"{}|\\^`]/g, (c) => encodeURIComponent(c))}`;
  } catch {
    return imagePath; // missing here: the browser asks the server, which answers as it would
  }
}

/** The `src` for a product picture: a data: URL for a small local SVG, else its path. */
export function productImageSrc(imagePath: string): string {
  let src = cache.get(imagePath);
  if (src === undefined) {
    src = readInline(imagePath);
    cache.set(imagePath, src);
  }
  return src;
}
