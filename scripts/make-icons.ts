// Draws the shop's raster icons from the same shape as public/icon.svg (a light "N" on the brand
// green), with no network and no image tools: `npx tsx scripts/make-icons.ts` rewrites
// public/apple-touch-icon.png, public/icon-192.png, public/icon-512.png and public/favicon.ico.
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const BRAND = [0x1f, 0x3b, 0x34] as const;
const PAPER = [0xfb, 0xfa, 0xf7] as const;
const publicDir = path.resolve(import.meta.dirname, '../public');

/** Is the point (in the SVG's 64×64 units) inside the "N" of public/icon.svg? */
function insideN(x: number, y: number): boolean {
  if (y < 16 || y > 48) return false;
  if (x >= 17 && x <= 24) return true; // left stem
  if (x >= 40 && x <= 47) return true; // right stem
  // The diagonal from (24,16)-(24,27.5) on the left to (40,36.5)-(40,48) on the right.
  if (x < 24 || x > 40) return false;
  const f = (x - 24) / 16;
  const top = 16 + f * (36.5 - 16);
  const bottom = 27.5 + f * (48 - 27.5);
  return y >= top && y <= bottom;
}

/** Inside the rounded square (rx 14)? Full-bleed (no corners) for the apple-touch icon, which iOS rounds itself. */
function insideSquare(x: number, y: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, radius), 64 - radius);
  const cy = Math.min(Math.max(y, radius), 64 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function draw(size: number, radius: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const samples = 4; // 4×4 supersampling per pixel for smooth edges
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let inSquare = 0;
      let inLetter = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size) * 64;
          const y = ((py + (sy + 0.5) / samples) / size) * 64;
          if (!insideSquare(x, y, radius)) continue;
          inSquare++;
          if (insideN(x, y)) inLetter++;
        }
      }
      const total = samples * samples;
      const letter = inSquare ? inLetter / inSquare : 0;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(BRAND[c]! * (1 - letter) + PAPER[c]! * letter);
      png.data[i + 3] = Math.round((inSquare / total) * 255);
    }
  }
  return PNG.sync.write(png);
}

/** A .ico holding one PNG image (supported by every current browser). */
function ico(pngData: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9);
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(pngData.length, 14);
  header.writeUInt32LE(22, 18); // offset of the image
  return Buffer.concat([header, pngData]);
}

fs.writeFileSync(path.join(publicDir, 'apple-touch-icon.png'), draw(180, 0));
fs.writeFileSync(path.join(publicDir, 'icon-192.png'), draw(192, 14));
fs.writeFileSync(path.join(publicDir, 'icon-512.png'), draw(512, 14));
fs.writeFileSync(path.join(publicDir, 'favicon.ico'), ico(draw(32, 14), 32));
console.log('Icons written to public/.');
