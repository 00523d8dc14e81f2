// Prints the gzip size of the JavaScript the first page loads (the entry script and its
// modulepreloads, as index.html names them) and of all chunks. Goal: initial ≤ 300 KB gzip.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const initialBytes = initial.reduce((sum, f) => sum + gz(f), 0);
const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
const allBytes = all.reduce((sum, f) => sum + gz(`assets/${f}`), 0);
const css = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.css'));
const cssBytes = css.reduce((sum, f) => sum + gz(`assets/${f}`), 0);
console.log(
  `web: initial JS ${kb(initialBytes)} gzip in ${initial.length} file(s) (goal ≤ 300 KB); CSS ${kb(cssBytes)} gzip; all ${all.length} JS chunks ${kb(allBytes)} gzip`,
);
if (initialBytes > 300 * 1024) console.warn('web: the initial JS is over the 300 KB goal');
