import Type from 'typebox';
import { IdParams } from '../../../contract/common.ts';
import {
  Consent,
  ConsentInput,
  ContactConsents,
  ErasureInput,
  LegalHold,
  LegalHoldInput,
  PrivacyRequest,
  RetentionRule,
  RetentionRuleInput,
  RetentionRuleParams,
} from '../../../contract/privacy.ts';
import { notFound } from '../../http/errors.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { contactConsentsOf, recordConsent } from './consents.ts';
import { eraseContact } from './erase.ts';
import { exportContact } from './export.ts';
import { contactHold, holdContact, listPrivacyRequests, releaseContact } from './privacy.service.ts';
import { deleteRetentionRule, listRetentionRules, putRetentionRule } from './retention.ts';

const tags = ['Privacy'];

/** A person's data out (export), a person erased, legal holds, and the register of it all: admins only. */
export async function privacyRoutes(app: App) {
  app.get('/contacts/:id/personal-data', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary:
        'Everything held about a contact, as a ZIP of JSON files (with email attachments and photo); written into the privacy register',
      params: IdParams,
      querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
      produces: ['application/zip'],
      response: { 200: { type: 'string', format: 'binary', description: 'The ZIP' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const out = await app.db.transaction((tx) => exportContact(tx, req.ctx, req.params.id, req.query.reason?.trim() || null));
      return (
        reply
          .header('content-type', 'application/zip')
          .header('content-disposition', `attachment; filename="${out.fileName}"`)
          // The schema says `string` (binary) for the document; Fastify sends a Buffer as it is.
          .send(Buffer.from(out.bytes) as unknown as string)
      );
    },
  });
  app.post('/contacts/:id/erasure', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary:
        'Erase a contact for good: the record goes and their personal data is redacted everywhere (history, events, emails, search, logs of webhooks and jobs); refused under legal hold',
      params: IdParams,
      body: ErasureInput,
      response: { 200: PrivacyRequest, ...errorResponses },
    },
    handler: async (req) => {
      const entry = await app.db.transaction((tx) => eraseContact(tx, req.ctx, req.params.id, req.body));
      return { ...entry, at: entry.at.toISOString() };
    },
  });
  app.get('/contacts/:id/legal-hold', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'The legal hold on a contact, if any',
      params: IdParams,
      response: { 200: Type.Object({ hold: Type.Union([LegalHold, Type.Null()]) }), ...errorResponses },
    },
    handler: async (req) => contactHold(app.db, req.ctx, req.params.id),
  });
  app.put('/contacts/:id/legal-hold', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Put a contact under legal hold: it cannot be erased until the hold is lifted',
      params: IdParams,
      body: LegalHoldInput,
      response: { 200: LegalHold, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => holdContact(tx, req.ctx, req.params.id, req.body.reason)),
  });
  app.delete('/contacts/:id/legal-hold', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Lift a legal hold',
      params: IdParams,
      response: { 204: { type: 'null', description: 'Lifted' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      await releaseContact(app.db, req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  });
  app.get('/contacts/:id/consents', {
    config: { permission: 'read' },
    schema: {
      tags,
      summary: 'A contact’s consent: what holds now per purpose, and every record given or withdrawn',
      params: IdParams,
      response: { 200: ContactConsents, ...errorResponses },
    },
    handler: async (req) => contactConsentsOf(app.db, req.ctx, req.params.id),
  });
  app.post('/contacts/:id/consents', {
    config: { permission: 'write' },
    schema: {
      tags,
      summary: 'Record a consent given or withdrawn, with its purpose, source and wording version (a new record: none is ever edited)',
      params: IdParams,
      body: ConsentInput,
      response: { 201: Consent, ...errorResponses },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await app.db.transaction((tx) => recordConsent(tx, req.ctx, req.params.id, req.body))),
  });
  app.get('/privacy/requests', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'The privacy register: every export and erasure, newest first',
      response: { 200: Type.Object({ data: Type.Array(PrivacyRequest) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listPrivacyRequests(app.db, req.ctx) }),
  });
  app.get('/privacy/retention-rules', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'How long each object’s records stay in the trash before they are deleted for good',
      response: { 200: Type.Object({ data: Type.Array(RetentionRule) }), ...errorResponses },
    },
    handler: async (req) => ({ data: await listRetentionRules(app.db, req.ctx) }),
  });
  app.put('/privacy/retention-rules/:objectType', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Set the days an object’s records stay in the trash',
      description: 'A nightly job deletes for good what has been in the trash longer; records under legal hold stay.',
      params: RetentionRuleParams,
      body: RetentionRuleInput,
      response: { 200: RetentionRule, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => putRetentionRule(tx, req.ctx, req.params.objectType, req.body.days)),
  });
  app.delete('/privacy/retention-rules/:objectType', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Keep an object’s records in the trash until someone deletes them',
      params: RetentionRuleParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const found = await app.db.transaction((tx) => deleteRetentionRule(tx, req.ctx, req.params.objectType));
      if (!found) throw notFound('Retention rule');
      return reply.status(204).send(null);
    },
  });
}
