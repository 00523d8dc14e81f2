import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../../http/errors.ts';
import type { Upload } from '../tickets/attachments.ts';

// The portal's forms with files (a reply, a new request) post multipart/form-data, the only way a
// page without JavaScript sends a file. Busboy reads the parts; the text fields become the body as
// the url-encoded forms give it, and the files are kept beside it on the request. Files past the
// cap are not kept but read to the end, so that the page can say which file was too large and keep
// what the customer typed; only a body far past anything a form of ours sends is cut off.

/** Files one form may carry (the portal's file input takes several). */
export const MAX_FORM_FILES = 10;

/** What a form's file inputs brought: the files, and the first one that took them over the cap. */
export interface FormFiles {
  files: Upload[];
  /** The file that took the files together over the cap (none of it was kept), with its position. */
  over: { filename: string; index: number } | null;
  /** More files than MAX_FORM_FILES were sent; those past it were not read. */
  tooMany: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The files of a multipart form (multipart.ts); undefined for any other body. */
    formFiles?: FormFiles;
  }
}

/**
 * A content-type parser for multipart/form-data: text fields (at most 20, each at most 60,000
 * bytes, as the url-encoded forms allow) as the body, files on `req.formFiles`. `cap` is the limit
 * of the files together.
 */
export function multipartParser(cap: () => number) {
  return (req: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: unknown) => void) => {
    const max = cap();
    // Well past the cap and the text a form holds: a body this large is no form of ours.
    const hardLimit = max * 2 + 2 * 1024 * 1024;
    let finished = false;
    const finish = (err: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      done(err, body);
    };
    let bb: BusboyInstance;
    try {
      bb = Busboy({
        // Busboy needs the content type as a string; a request without one is refused below like any other bad form.
        headers: { ...req.headers, 'content-type': req.headers['content-type'] ?? '' },
        limits: { fields: 20, fieldSize: 60_000, fieldNameSize: 50, files: MAX_FORM_FILES, fileSize: max + 1, parts: 40 },
      });
    } catch {
      return finish(badRequest('body', 'bad_multipart', 'The form could not be read (multipart without a boundary)'));
    }
    const fields: Record<string, string> = {};
    const files: Upload[] = [];
    let total = 0;
    let index = 0;
    let over: FormFiles['over'] = null;
    let tooMany = false;
    let read = 0;

    bb.on('field', (name, value) => {
      if (!Object.hasOwn(fields, name)) fields[name] = value;
    });
    bb.on('file', (_name, stream, filename, _encoding, mimeType) => {
      // A file input left empty still sends a part, with no name and no bytes.
      if (!filename) {
        stream.resume();
        return;
      }
      const at = index++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (over) return;
        total += chunk.length;
        if (total > max) {
          over = { filename, index: at };
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (over) return;
        files.push({
          filename: filename.slice(0, 255),
          contentType: mimeType || 'application/octet-stream',
          content: Buffer.concat(chunks),
        });
      });
    });
    bb.on('filesLimit', () => {
      tooMany = true;
    });
    bb.on('error', () => finish(badRequest('body', 'bad_multipart', 'The form could not be read')));
    bb.on('finish', () => {
      req.formFiles = { files: over ? [] : files, over, tooMany };
      finish(null, fields);
    });
    payload.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > hardLimit && !finished) {
        payload.unpipe(bb);
        finish(new AppError(413, 'body_too_large', 'The form is far larger than the files it may carry'));
      }
    });
    payload.pipe(bb);
  };
}
