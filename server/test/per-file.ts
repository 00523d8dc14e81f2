import { beforeAll } from 'vitest';
import { startFileAfresh } from './harness.ts';

// Vitest runs this before every test file, even with isolation off (vitest.config.ts), where a hook
// at the top of the harness module would run for the first file only. The database's start (PGlite's
// boot and the migrations, many seconds on a busy machine) runs here, under the hook time-out, rather
// than in whichever test of the file runs first, under the test time-out.
beforeAll(() => startFileAfresh(), 120_000);
