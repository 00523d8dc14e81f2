import {
  AuditChange,
  AuditChangeQuery,
  AuditSettings,
  AuditSettingsUpdate,
  type AuditChange as Change,
  type SecurityEvent as Event,
  SecurityEvent,
  SecurityEventQuery,
  SignInAttempt,
  SignInQuery,
  type SignInAttempt as SignInRow,
} from '../../../contract/audit.ts';
import { Page } from '../../../contract/common.ts';
import type { App } from '../../http/typed-app.ts';
import { errorResponses } from '../../records/routes.ts';
import { auditChanges, auditSignIns, getAuditSettings, listSecurityEvents, updateAuditSettings } from './audit.service.ts';
import { type Column, EXPORT_PAGE, sendCsv } from './audit-csv.ts';
import { logSecurityEvent } from './security-log.ts';

const tags = ['Audit'];
const csvResponse = { 200: { type: 'string', description: 'The CSV file' }, ...errorResponses };

const changeColumns: Column<Change>[] = [
  ['at', (r) => r.at],
  ['actorType', (r) => r.actorType],
  ['actorId', (r) => r.actorId],
  ['recordType', (r) => r.recordType],
  ['recordId', (r) => r.recordId],
  ['action', (r) => r.action],
  ['field', (r) => r.field],
  // A text value as it is (so that a formula in it is defused like any cell), anything else as JSON.
  ['oldValue', (r) => r.oldValue],
  ['newValue', (r) => r.newValue],
  ['requestId', (r) => r.requestId],
];
const signInColumns: Column<SignInRow>[] = [
  ['at', (r) => r.at],
  ['email', (r) => r.email],
  ['memberId', (r) => r.memberId],
  ['method', (r) => r.method],
  ['result', (r) => r.result],
  ['ip', (r) => r.ip],
  ['userAgent', (r) => r.userAgent],
];
const eventColumns: Column<Event>[] = [
  ['at', (r) => r.at],
  ['kind', (r) => r.kind],
  ['actorType', (r) => r.actorType],
  ['actorId', (r) => r.actorId],
  ['subjectType', (r) => r.subjectType],
  ['subjectId', (r) => r.subjectId],
  ['detail', (r) => r.detail],
  ['ip', (r) => r.ip],
  ['requestId', (r) => r.requestId],
];

/** The audit page's data: every change, sign-in and security event of the workspace, and how long they are kept. Admins only. */
export async function auditRoutes(app: App) {
  app.get('/audit/changes', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Who changed what: every change of records, settings, members and keys, newest first',
      querystring: AuditChangeQuery,
      response: { 200: Page(AuditChange), ...errorResponses },
    },
    handler: async (req) => auditChanges(app.db, req.ctx, req.query),
  });
  app.get('/audit/changes/export', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'The changes with these filters, as CSV',
      querystring: AuditChangeQuery,
      produces: ['text/csv'],
      response: csvResponse,
    },
    handler: async (req, reply) => {
      const q = { ...req.query, limit: EXPORT_PAGE, cursor: undefined };
      const first = await auditChanges(app.db, req.ctx, q);
      await logSecurityEvent(app.db, req.ctx, 'audit.exported', null, { log: 'changes' });
      return sendCsv(reply, 'changes.csv', first, (cursor) => auditChanges(app.db, req.ctx, { ...q, cursor }), changeColumns);
    },
  });
  app.get('/audit/sign-ins', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Sign-in attempts on the logins of the workspace’s members, successful or not, newest first',
      querystring: SignInQuery,
      response: { 200: Page(SignInAttempt), ...errorResponses },
    },
    handler: async (req) => auditSignIns(app.db, req.ctx, req.query),
  });
  app.get('/audit/sign-ins/export', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'The sign-ins with these filters, as CSV',
      querystring: SignInQuery,
      produces: ['text/csv'],
      response: csvResponse,
    },
    handler: async (req, reply) => {
      const q = { ...req.query, limit: EXPORT_PAGE, cursor: undefined };
      const first = await auditSignIns(app.db, req.ctx, q);
      await logSecurityEvent(app.db, req.ctx, 'audit.exported', null, { log: 'sign-ins' });
      return sendCsv(reply, 'sign-ins.csv', first, (cursor) => auditSignIns(app.db, req.ctx, { ...q, cursor }), signInColumns);
    },
  });
  app.get('/audit/security-events', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'The security log: role, key, SSO and setting changes, exports, imports, merges, erasures, refused requests',
      querystring: SecurityEventQuery,
      response: { 200: Page(SecurityEvent), ...errorResponses },
    },
    handler: async (req) => listSecurityEvents(app.db, req.ctx, req.query),
  });
  app.get('/audit/security-events/export', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'The security events with these filters, as CSV',
      querystring: SecurityEventQuery,
      produces: ['text/csv'],
      response: csvResponse,
    },
    handler: async (req, reply) => {
      const q = { ...req.query, limit: EXPORT_PAGE, cursor: undefined };
      const first = await listSecurityEvents(app.db, req.ctx, q);
      await logSecurityEvent(app.db, req.ctx, 'audit.exported', null, { log: 'security-events' });
      return sendCsv(reply, 'security-events.csv', first, (cursor) => listSecurityEvents(app.db, req.ctx, { ...q, cursor }), eventColumns);
    },
  });
  app.get('/audit/settings', {
    config: { permission: 'admin' },
    schema: { tags, summary: 'How long security events and sign-ins are kept', response: { 200: AuditSettings, ...errorResponses } },
    handler: async (req) => getAuditSettings(app.db, req.ctx),
  });
  app.put('/audit/settings', {
    config: { permission: 'admin' },
    schema: {
      tags,
      summary: 'Set how long security events and sign-ins are kept (days; null: for good). Record history is always kept.',
      body: AuditSettingsUpdate,
      response: { 200: AuditSettings, ...errorResponses },
    },
    handler: async (req) => app.db.transaction((tx) => updateAuditSettings(tx, req.ctx, req.body.retentionDays)),
  });
}
