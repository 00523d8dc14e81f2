import { and, eq, sql } from 'drizzle-orm';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { getContact } from './contacts.service.ts';
import { contactPhotos } from './contacts.table.ts';

/** The largest photo kept: a contact's picture, not an archive (vCard exporters send 10–300 kB). */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** The image types a photo may be, recognised by their first bytes. No SVG: it is a document that can carry script. */
export const photoTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export type PhotoType = (typeof photoTypes)[number];

/** What the bytes are, by their signature; null for anything that is not one of photoTypes. */
export function photoTypeOf(bytes: Uint8Array): PhotoType | null {
  const at = (i: number, ...b: number[]) => b.every((x, k) => bytes[i + k] === x);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

/** Why `bytes` cannot be a photo, in words; null when it can. */
export function photoProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'the photo is empty';
  if (bytes.length > MAX_PHOTO_BYTES)
    return `the photo is ${Math.ceil(bytes.length / 1024)} kB; at most ${MAX_PHOTO_BYTES / 1024} kB are kept`;
  if (!photoTypeOf(bytes)) return 'the photo is not a JPEG, PNG, GIF or WebP image';
  return null;
}

/** Sets the photos of contacts of the caller's workspace (import: many at once), replacing any they had. Bytes must have passed photoProblem. */
export async function saveContactPhotos(conn: Conn, ctx: Ctx, photos: { contactId: string; bytes: Buffer }[]) {
  if (!photos.length) return;
  await conn
    .insert(contactPhotos)
    .values(
      photos.map((p) => ({
        workspaceId: ctx.workspaceId,
        contactId: p.contactId,
        contentType: photoTypeOf(p.bytes) as PhotoType,
        size: p.bytes.length,
        content: p.bytes,
      })),
    )
    .onConflictDoUpdate({
      target: [contactPhotos.workspaceId, contactPhotos.contactId],
      set: {
        contentType: sql`excluded.content_type`,
        size: sql`excluded.size`,
        content: sql`excluded.content`,
        // The app's time: Citus refuses now() in ON CONFLICT DO UPDATE.
        updatedAt: new Date(),
      },
    });
}

/** PUT /contacts/{id}/photo: the contact must be one the caller can see (404 otherwise); the bytes are checked. */
export async function putContactPhoto(conn: Conn, ctx: Ctx, contactId: string, bytes: Buffer) {
  await getContact(conn, ctx, contactId);
  const problem = photoProblem(bytes);
  if (problem) throw invalid([{ field: 'body', code: 'invalid_photo', message: problem }], `Not kept: ${problem}`);
  await saveContactPhotos(conn, ctx, [{ contactId, bytes }]);
}

/** A contact's photo, null when it has none; 404 when the contact is not there. */
export async function readContactPhoto(conn: Conn, ctx: Ctx, contactId: string) {
  await getContact(conn, ctx, contactId);
  const [row] = await conn
    .select({ contentType: contactPhotos.contentType, content: contactPhotos.content, updatedAt: contactPhotos.updatedAt })
    .from(contactPhotos)
    .where(and(eq(contactPhotos.workspaceId, ctx.workspaceId), eq(contactPhotos.contactId, contactId)));
  return row ?? null;
}

/** Removes a contact's photo; 404 when it had none. */
export async function deleteContactPhoto(conn: Conn, ctx: Ctx, contactId: string) {
  await getContact(conn, ctx, contactId);
  const gone = await conn
    .delete(contactPhotos)
    .where(and(eq(contactPhotos.workspaceId, ctx.workspaceId), eq(contactPhotos.contactId, contactId)))
    .returning({ id: contactPhotos.contactId });
  if (!gone.length) throw notFound('Photo');
}
