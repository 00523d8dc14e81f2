import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the module tables and checked in; the app applies them at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './server/db/migrations',
});
