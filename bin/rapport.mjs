#!/usr/bin/env node
// The `rapport` command. The server is TypeScript run through tsx (no build step to forget).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
