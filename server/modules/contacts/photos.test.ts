import { describe, expect, it } from 'vitest';
import { api, countRows, signUp } from '../../test/harness.ts';
import { gifBytes, tinyPng } from './photos.fixture.ts';
import { MAX_PHOTO_BYTES, photoTypeOf } from './photos.ts';

async function contact() {
  const s = await signUp();
  const c = api(s);
  const { id } = (await c.post('/contacts', { firstName: 'Ada', lastName: 'Lovelace' })).json();
  return { s, c, id: id as string };
}

describe('contact photos', () => {
  it('keeps a photo, serves it as the image it is, and removes it', async () => {
    const { c, id } = await contact();
    expect((await c.get(`/contacts/${id}/photo`)).statusCode).toBe(204); // none yet
    const put = await c.put(`/contacts/${id}/photo`, tinyPng, { 'content-type': 'image/png' });
    expect(put.statusCode, put.body).toBe(204);
    const got = await c.get(`/contacts/${id}/photo`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.rawPayload.equals(tinyPng)).toBe(true);
    // Recognised by its bytes, not by what the upload claimed.
    expect((await c.put(`/contacts/${id}/photo`, gifBytes, { 'content-type': 'image/png' })).statusCode).toBe(204);
    expect((await c.get(`/contacts/${id}/photo`)).headers['content-type']).toBe('image/gif');
    expect((await c.delete(`/contacts/${id}/photo`)).statusCode).toBe(204);
    expect((await c.get(`/contacts/${id}/photo`)).statusCode).toBe(204);
    expect((await c.delete(`/contacts/${id}/photo`)).statusCode).toBe(404);
  });

  it('refuses what is not a photo, in words naming the body, and keeps the photo it had', async () => {
    const { c, id } = await contact();
    await c.put(`/contacts/${id}/photo`, tinyPng, { 'content-type': 'image/png' });
    const svg = await c.put(`/contacts/${id}/photo`, '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', {
      'content-type': 'image/png',
    });
    expect(svg.statusCode).toBe(422);
    expect(svg.headers['content-type']).toContain('application/problem+json');
    expect(svg.json().errors[0]).toMatchObject({ field: 'body', message: 'the photo is not a JPEG, PNG, GIF or WebP image' });
    const wrongType = await c.put(`/contacts/${id}/photo`, '<svg/>', { 'content-type': 'image/svg+xml' });
    expect(wrongType.statusCode).toBe(415);
    const big = await c.put(`/contacts/${id}/photo`, Buffer.concat([tinyPng, Buffer.alloc(MAX_PHOTO_BYTES)]), {
      'content-type': 'image/png',
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'body_too_large', detail: 'The request body is over the 2 MB this request may carry' });
    const empty = await c.put(`/contacts/${id}/photo`, Buffer.alloc(0), { 'content-type': 'image/png' });
    expect(empty.statusCode).toBe(422);
    const kept = await c.get(`/contacts/${id}/photo`);
    expect(kept.rawPayload.equals(tinyPng)).toBe(true);
  });

  it('shows a photo only to the contact’s workspace, keeps it through the trash, and deletes it with the contact for good', async () => {
    const { s, c, id } = await contact();
    await c.put(`/contacts/${id}/photo`, tinyPng, { 'content-type': 'image/png' });
    const stranger = api(await signUp({ workspaceName: 'Elsewhere' }));
    expect((await stranger.get(`/contacts/${id}/photo`)).statusCode).toBe(404);
    expect((await stranger.put(`/contacts/${id}/photo`, tinyPng, { 'content-type': 'image/png' })).statusCode).toBe(404);
    expect((await stranger.delete(`/contacts/${id}/photo`)).statusCode).toBe(404);
    await c.delete(`/contacts/${id}`);
    await c.post(`/contacts/${id}/restore`, {});
    expect((await c.get(`/contacts/${id}/photo`)).statusCode).toBe(200);
    await c.delete(`/contacts/${id}`);
    expect((await c.delete(`/trash/contact/${id}`)).statusCode).toBe(204);
    expect(await countRows('contact_photos', s.workspaceId)).toBe(0);
  });

  it('recognises each image type by its first bytes', () => {
    expect(photoTypeOf(tinyPng)).toBe('image/png');
    expect(photoTypeOf(gifBytes)).toBe('image/gif');
    expect(photoTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(photoTypeOf(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(photoTypeOf(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(photoTypeOf(Buffer.from('<svg'))).toBeNull();
  });
});
