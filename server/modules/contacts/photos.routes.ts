import type { FastifyRequest } from 'fastify';
import { IdParams, Problem } from '../../../contract/common.ts';
import { AppError } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { validatorCompiler } from '../../http/validation.ts';
import { errorResponses } from '../../records/routes.ts';
import { deleteContactPhoto, MAX_PHOTO_BYTES, photoTypes, putContactPhoto, readContactPhoto } from './photos.ts';

/** Refuses a body that does not say it is an image before a byte of it is read. */
async function requireImage(req: FastifyRequest) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!(photoTypes as readonly string[]).includes(type)) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the image itself as the body, with Content-Type: image/jpeg, image/png, image/gif or image/webp',
    );
  }
}

/** A contact's photo: upload (the image as the body), read, remove. Its own plugin: the image parser stays here. */
export async function contactPhotoRoutes(app: App) {
  app.addContentTypeParser([...photoTypes], { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES + 1 }, (_req, body, done) => done(null, body));

  app.put('/contacts/:id/photo', {
    config: { permission: 'write' },
    bodyLimit: MAX_PHOTO_BYTES + 1,
    onRequest: requireImage,
    // The bytes are checked by what they are (photos.ts), not by a JSON validator.
    validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    schema: {
      tags: ['Contacts'],
      summary: "Set a contact's photo",
      description: `The body is the image: JPEG, PNG, GIF or WebP (recognised by its bytes, whatever the Content-Type says), at most ${MAX_PHOTO_BYTES / 1024} kB. It replaces the contact's photo.`,
      consumes: [...photoTypes],
      params: IdParams,
      body: { type: 'string', format: 'binary', description: 'The image' },
      response: { 204: { type: 'null', description: 'Kept' }, 413: Problem, 415: Problem, ...errorResponses },
    },
    handler: async (req, reply) => {
      // The image parser hands the bytes over as a Buffer; anything else is no image.
      await putContactPhoto(app.db, req.ctx, req.params.id, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      return reply.status(204).send(null);
    },
  });

  app.get('/contacts/:id/photo', {
    config: { permission: 'read' },
    schema: {
      tags: ['Contacts'],
      summary: "A contact's photo",
      description:
        'The image, with its Content-Type; 204 (no content) when the contact has no photo, so that a page asking does not log a failed request for every contact without one.',
      params: IdParams,
      produces: [...photoTypes],
      response: {
        200: { type: 'string', format: 'binary', description: 'The image, with its Content-Type' },
        204: { type: 'null', description: 'The contact has no photo' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const photo = await readContactPhoto(app.db, req.ctx, req.params.id);
      if (!photo) return reply.status(204).send(null);
      return (
        reply
          .header('content-type', photo.contentType)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-cache')
          .header('last-modified', photo.updatedAt.toUTCString())
          // The schema says `string` (binary) for the document; Fastify sends a Buffer as it is.
          .send(photo.content as unknown as string)
      );
    },
  });

  app.delete('/contacts/:id/photo', {
    config: { permission: 'write' },
    schema: {
      tags: ['Contacts'],
      summary: "Remove a contact's photo",
      params: IdParams,
      response: { 204: { type: 'null', description: 'Removed' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      await deleteContactPhoto(app.db, req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  });
}
