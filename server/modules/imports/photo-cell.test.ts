import { describe, expect, it } from 'vitest';
import { tinyPng } from '../contacts/photos.fixture.ts';
import { photoOf } from './photo-cell.ts';

describe('a picture cell', () => {
  const base64 = tinyPng.toString('base64');

  it('reads a data: URL and bare base64 (folded or not) as the same picture', () => {
    for (const cell of [`data:image/png;base64,${base64}`, base64, base64.replace(/(.{20})/g, '$1\n ')]) {
      const read = photoOf(cell);
      expect('bytes' in read && read.bytes.equals(tinyPng), cell.slice(0, 30)).toBe(true);
    }
  });

  it('says why it keeps no picture: a link, not base64, not an image, too large', () => {
    expect(photoOf('https://lh3.googleusercontent.com/a/photo.jpg')).toEqual({ problem: 'a link to a photo, which is not downloaded' });
    expect(photoOf('not a picture at all!')).toEqual({ problem: 'not a picture (neither a data: URL nor base64)' });
    expect(photoOf(Buffer.from('plain text, not an image').toString('base64'))).toEqual({
      problem: 'the photo is not a JPEG, PNG, GIF or WebP image',
    });
    const huge = Buffer.concat([tinyPng, Buffer.alloc(3 * 1024 * 1024)]).toString('base64');
    expect('problem' in photoOf(huge) && photoOf(huge)).toMatchObject({ problem: expect.stringContaining('at most 2048 kB') });
  });
});
