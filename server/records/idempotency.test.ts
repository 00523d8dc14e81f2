import { describe, expect, it } from 'vitest';
import { api, countRows, signUp } from '../test/harness.ts';

describe('Idempotency-Key on creates', () => {
  it('answers a retry with the first response and creates nothing twice', async () => {
    const s = await signUp();
    const key = { 'idempotency-key': 'import-row-17' };
    const first = await api(s).post('/companies', { name: 'Once' }, key);
    const again = await api(s).post('/companies', { name: 'Once' }, key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countRows('companies', s.workspaceId)).toBe(1);
  });

  it('refuses the same key with another payload, and keeps keys per principal and workspace', async () => {
    const s = await signUp();
    const key = { 'idempotency-key': 'k-1' };
    expect((await api(s).post('/companies', { name: 'A' }, key)).statusCode).toBe(201);
    const other = await api(s).post('/companies', { name: 'B' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    const stranger = await signUp();
    expect((await api(stranger).post('/companies', { name: 'A' }, key)).statusCode).toBe(201);
    expect(await countRows('companies', s.workspaceId)).toBe(1);
    expect(await countRows('companies', stranger.workspaceId)).toBe(1);
  });

  it('creates exactly one record when retries race', async () => {
    const s = await signUp();
    const key = { 'idempotency-key': 'race' };
    const results = await Promise.all(Array.from({ length: 6 }, () => api(s).post('/companies', { name: 'Raced' }, key)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await countRows('companies', s.workspaceId)).toBe(1);
  });

  it('does not save a failed create, so the same key can be used after fixing the input', async () => {
    const s = await signUp();
    const key = { 'idempotency-key': 'fix-me' };
    expect((await api(s).post('/companies', { name: 'X', ownerId: '00000000-0000-7000-8000-000000000000' }, key)).statusCode).toBe(422);
    expect((await api(s).post('/companies', { name: 'X' }, key)).statusCode).toBe(201);
  });

  it('rejects a malformed key', async () => {
    const s = await signUp();
    const r = await api(s).post('/companies', { name: 'X' }, { 'idempotency-key': 'x'.repeat(300) });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('headers.idempotency-key');
  });
});
