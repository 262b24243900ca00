#!/usr/bin/env node
// Draws the app's PNG icons (web/public) from the favicon's shapes — a green rounded square with a
// white tick — so the installable app has the sizes browsers ask for without an image editor or a
// dependency. Run `node web/scripts/icons.mjs` after changing the design; the output is committed.
//   icon-192.png, icon-512.png   purpose "any": the rounded square
//   icon-maskable-512.png        purpose "maskable": full bleed, the tick inside the 80 % safe zone
//   badge-96.png                 the tick alone, white on transparent (Android's status bar badge)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');
const GREEN = [0x2f, 0x6f, 0x5e];
// favicon.svg, in its 32-unit box: rect rx 8; path M9 16.5 l4.5 4.5 L23 11.5, stroke 3, round caps.
const TICK = [
  [9, 16.5],
  [13.5, 21],
  [23, 11.5],
];
const STROKE = 3;
const SAMPLES = 4; // 4 × 4 samples per pixel: anti-aliased edges

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inTick(x, y, scale) {
  // Scale the tick about the centre (16, 16).
  const ux = 16 + (x - 16) / scale;
  const uy = 16 + (y - 16) / scale;
  const half = STROKE / 2;
  return (
    distanceToSegment(ux, uy, TICK[0], TICK[1]) <= half || distanceToSegment(ux, uy, TICK[1], TICK[2]) <= half
  );
}

function inRoundedSquare(x, y, radius) {
  if (radius === 0) return x >= 0 && x <= 32 && y >= 0 && y <= 32;
  const cx = Math.max(radius, Math.min(32 - radius, x));
  const cy = Math.max(radius, Math.min(32 - radius, y));
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** RGBA pixels of one icon, `size` square. */
function draw(size, { radius, tickScale, background }) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let tick = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SAMPLES) / size) * 32;
          const y = ((py + (sy + 0.5) / SAMPLES) / size) * 32;
          if (background && inRoundedSquare(x, y, radius)) bg++;
          if (inTick(x, y, tickScale)) tick++;
        }
      }
      const n = SAMPLES * SAMPLES;
      const t = tick / n;
      const alpha = background ? bg / n : t;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) {
        // White tick over the green; on a transparent badge the colour is white throughout.
        pixels[i + c] = background ? Math.round(GREEN[c] * (1 - t) + 255 * t) : 255;
      }
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ICONS = [
  ['icon-192.png', 192, { radius: 8, tickScale: 1, background: true }],
  ['icon-512.png', 512, { radius: 8, tickScale: 1, background: true }],
  ['icon-maskable-512.png', 512, { radius: 0, tickScale: 0.8, background: true }],
  ['badge-96.png', 96, { radius: 0, tickScale: 1.6, background: false }],
];

for (const [name, size, design] of ICONS) {
  const file = png(size, draw(size, design));
  writeFileSync(path.join(out, name), file);
  console.log(`${name}: ${size}×${size}, ${file.length} bytes`);
}
