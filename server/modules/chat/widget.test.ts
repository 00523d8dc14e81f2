import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

// The widget loads on other people's websites: it must stay small and stand alone.
describe('chat widget build', () => {
  it('is one script without imports, under 30 KB gzip', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rapport-widget-'));
    try {
      await build({
        configFile: fileURLToPath(new URL('../../../web/widget/vite.config.ts', import.meta.url)),
        build: { outDir: out, emptyOutDir: true },
        logLevel: 'silent',
      });
      const code = readFileSync(join(out, 'chat.js'));
      expect(gzipSync(code).length).toBeLessThan(30 * 1024);
      const text = code.toString();
      expect(text).not.toMatch(/\bimport\s*[{(*"']/);
      // Messages reach the page as text; markup from a message is never parsed.
      expect(text).not.toContain('innerHTML');
      expect(text).toContain('attachShadow');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
