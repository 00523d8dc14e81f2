import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadText, type Meta, type Run } from './report.ts';

const chromiumPath = '/usr/lib/chromium/chromium';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) => (n >= 1000 ? Math.round(n).toLocaleString('en') : n >= 100 ? n.toFixed(0) : n.toFixed(2));

/**
 * The goals at a glance: per database, one bar per goal showing how far the measurement is from its
 * target (right of the line = met, green; left = not met, red), then the API ÷ raw ratio of every
 * workload against the 1.5× line. Drawn as SVG and photographed by Debian's Chromium.
 */
export function chartSvg(meta: Meta, runs: Run[]) {
  const width = 1320;
  const rowH = 26;
  const left = 370;
  const barW = 600;
  let y = 70;
  const parts: string[] = [];
  const text = (x: number, yy: number, s: string, extra = '') => parts.push(`<text x="${x}" y="${yy}" ${extra}>${esc(s)}</text>`);
  text(
    20,
    32,
    `Rapport benchmarks — ${meta.size} dataset, ${meta.date.slice(0, 10)}, commit ${meta.commit}${meta.quick ? ' (quick run)' : ''}`,
    'font-size="20" font-weight="600"',
  );
  text(20, 54, `${meta.machine}; ${loadText(meta.load)}`, 'font-size="12" fill="#555"');
  for (const run of runs) {
    y += 16;
    text(20, y, run.kind === 'postgres' ? 'PostgreSQL — goals' : 'PGlite (embedded) — goals', 'font-size="16" font-weight="600"');
    y += 12;
    // Attainment on a log scale: target ÷ measured (lower is better) or measured ÷ target, from ¼ to 4.
    const mid = left + barW / 2;
    parts.push(`<line x1="${mid}" y1="${y}" x2="${mid}" y2="${y + run.goals.length * rowH + 4}" stroke="#222" stroke-dasharray="4 3"/>`);
    for (const g of run.goals) {
      const score = g.better === 'lower' ? g.target / Math.max(g.value, 1e-9) : g.value / g.target;
      const pos = Math.max(-1, Math.min(1, Math.log(score) / Math.log(4)));
      const x0 = pos >= 0 ? mid : mid + pos * (barW / 2);
      const w = Math.max(2, Math.abs(pos) * (barW / 2));
      text(20, y + 18, g.name, 'font-size="13"');
      parts.push(`<rect x="${x0}" y="${y + 5}" width="${w}" height="${rowH - 10}" fill="${g.met ? '#2f9e44' : '#e03131'}" rx="2"/>`);
      text(
        left + barW + 12,
        y + 18,
        `${fmt(g.value)} ${g.unit} (goal ${g.better === 'lower' ? '≤' : '≥'} ${fmt(g.target)})`,
        'font-size="12"',
      );
      y += rowH;
    }
    text(mid - 70, y + 18, '◀ short of goal · goal met ▶', 'font-size="11" fill="#555"');
    y += 34;
    text(20, y, 'API ÷ raw SQL, p50 (line at 1.5×)', 'font-size="14" font-weight="600"');
    y += 8;
    const ratios = run.results.filter((r) => r.raw);
    const maxRatio = Math.max(3, ...ratios.map((r) => r.api.p50 / (r.raw?.p50 ?? 1)));
    const scale = barW / maxRatio;
    const goalX = left + 1.5 * scale;
    parts.push(`<line x1="${goalX}" y1="${y}" x2="${goalX}" y2="${y + ratios.length * rowH + 4}" stroke="#222" stroke-dasharray="4 3"/>`);
    for (const r of ratios) {
      const ratio = r.api.p50 / (r.raw?.p50 ?? 1);
      text(20, y + 18, r.label, 'font-size="13"');
      parts.push(
        `<rect x="${left}" y="${y + 5}" width="${Math.max(2, ratio * scale)}" height="${rowH - 10}" fill="${ratio <= 1.5 ? '#1c7ed6' : '#f08c00'}" rx="2"/>`,
      );
      text(
        left + Math.max(2, ratio * scale) + 8,
        y + 18,
        `${ratio.toFixed(2)}×  (${fmt(r.api.p50)} vs ${fmt(r.raw?.p50 ?? 0)} ms)`,
        'font-size="12"',
      );
      y += rowH;
    }
    y += 20;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
}

export async function renderChart(file: string, meta: Meta, runs: Run[]) {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  const svg = chartSvg(meta, runs);
  const dir = mkdtempSync(join(tmpdir(), 'rapport-chart-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await context.newPage();
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    const el = await page.$('svg');
    if (!el) throw new Error('chart did not render');
    await el.screenshot({ path: file });
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
