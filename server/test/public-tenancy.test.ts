import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client.ts';
import { formToken } from '../modules/portal/contact-form.ts';
import { csatToken } from '../modules/portal/csat.service.ts';
import { newSignInToken } from '../modules/portal/portal.service.ts';
import { api, type Session, signUp, testApp, uniqueEmail } from './harness.ts';

// The public surfaces — help centre, customer portal, satisfaction links, chat widget — generated
// from the live table of pages outside /api (app.pageTable), like the route-authz suite does for
// the API. Two workspaces, A and B, are each given public and internal content, customers with
// tickets and chat conversations, every piece named by a unique marker. Then every page is called
// with each workspace's address, each kind of id (A's own, A's other customer's, B's) and each kind
// of caller (nobody, a signed-in customer of A, a chat visitor of A): an answer may show exactly
// the markers that caller may see on that site — no more (nothing of B through A, no internal note,
// no other customer's ticket) and, for the caller's own things on their own site, no fewer. Writes
// through someone else's ids must leave their target as it was. A new page without a case fails.

const app = await testApp();

type Caller = 'nobody' | 'customer' | 'visitor';
type IdKind = 'article' | 'category' | 'ticket' | 'conversation' | 'rating' | 'file';

/** How a page is called: which kind of thing `:id` / `:token` names, its body, and what its owner must be shown. */
interface PageCase {
  id?: IdKind;
  query?: string;
  body?: (w: World, site: Site, caller: Caller) => Record<string, string> | Promise<Record<string, string>>;
  /** A GET that changes something (a one-click rating): its uses on B's own things through B's site are B's readers' right. */
  writes?: boolean;
  /** Made ready before the rightful caller's call (an earlier page may have changed it). */
  prepare?: (w: World) => Promise<void>;
  /** Markers the rightful caller sees on their own site with their own id ("no fewer"). */
  shows?: (a: Site) => string[];
  /** Who may use the page on their own site with their own id (for the "no fewer" check); default: anyone. */
  by?: Caller;
}

interface Site {
  s: Session;
  slug: string;
  marks: Record<string, string>;
  ids: Record<IdKind, string>;
  /** A's other customer's ticket, conversation and rating link (never the customer's or the visitor's to see). */
  others: Partial<Record<IdKind, string>>;
  /** More file ids that must fail. */
  moreFiles: string[];
  visitorToken: string;
}

interface World {
  a: Site;
  b: Site;
  customer: { cookie: string; csrf: string };
}

const form = (f: Record<string, string>) => new URLSearchParams(f).toString();
const mark = (name: string) => `${name}-${randomBytes(5).toString('hex')}`;
/** Each call its own address: the public pages are rate-limited per address. */
let ipSeq = 0;
const nextIp = () => `10.77.${Math.floor(++ipSeq / 250) % 250}.${ipSeq % 250}`;

async function ok<T>(p: Promise<{ statusCode: number; body: string; json: () => T }>, status = 201): Promise<T> {
  const r = await p;
  if (r.statusCode !== status) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
}

/** One workspace with a help centre and chat at `slug`, and everything the calls below aim at. */
async function site(name: string): Promise<Site> {
  const s = await signUp({ workspaceName: `${name} Co` });
  const slug = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  const a = api(s);
  await ok(a.put('/knowledge/help-centre', { slug }), 200);
  await ok(a.patch('/portal/settings', { companyTickets: true }), 200);
  const marks = Object.fromEntries(
    [
      'category',
      'article',
      'internal',
      'draft',
      'ticket',
      'reply',
      'note',
      'colleague',
      'other',
      'chat',
      'otherChat',
      'file',
      'noteFile',
      'otherFile',
    ].map((k) => [k, mark(`${name}${k}`)]),
  );
  const category = await ok<{ id: string }>(a.post('/knowledge/categories', { name: marks.category }));
  const article = await ok<{ id: string }>(
    a.post('/knowledge/articles', { title: marks.article, body: 'Open **Billing**.', language: 'en', categoryId: category.id }),
  );
  await ok(a.post(`/knowledge/articles/${article.id}/publish`), 200);
  const internal = await ok<{ id: string }>(
    a.post('/knowledge/articles', {
      title: marks.internal,
      body: 'Agents only.',
      language: 'en',
      visibility: 'internal',
      categoryId: category.id,
    }),
  );
  await ok(a.post(`/knowledge/articles/${internal.id}/publish`), 200);
  await ok(a.post('/knowledge/articles', { title: marks.draft, body: 'Not yet.', language: 'en', categoryId: category.id }));

  // The customer and a colleague at the same company (whose tickets the portal shows them), and a stranger.
  const company = await ok<{ id: string }>(a.post('/companies', { name: `${name} Customer Ltd` }));
  const person = async (first: string, companies: { companyId: string }[]) =>
    ok<{ id: string }>(a.post('/contacts', { firstName: first, lastName: name, emails: [{ value: uniqueEmail(first) }], companies }));
  const customer = await person('Carla', [{ companyId: company.id }]);
  const colleague = await person('Cole', [{ companyId: company.id }]);
  const stranger = await person('Sam', []);
  const ticket = await ok<{ id: string }>(a.post('/tickets', { subject: marks.ticket, description: 'x', requesterId: customer.id }));
  // Files whose bytes are their markers: a download shows them as a page shows its text.
  const file = (text: string) => [{ filename: 'file.txt', contentType: 'text/plain', content: Buffer.from(text).toString('base64') }];
  const fileOf = (m: { attachments: { id: string }[] }) => m.attachments[0].id;
  const reply = await ok<{ attachments: { id: string }[] }>(
    a.post(`/tickets/${ticket.id}/messages`, { kind: 'reply', body: marks.reply, attachments: file(marks.file) }),
  );
  const note = await ok<{ attachments: { id: string }[] }>(
    a.post(`/tickets/${ticket.id}/messages`, { kind: 'note', body: marks.note, attachments: file(marks.noteFile) }),
  );
  await ok(a.post('/tickets', { subject: marks.colleague, description: 'x', requesterId: colleague.id }));
  const other = await ok<{ id: string }>(a.post('/tickets', { subject: marks.other, description: 'x', requesterId: stranger.id }));
  const otherReply = await ok<{ attachments: { id: string }[] }>(
    a.post(`/tickets/${other.id}/messages`, { kind: 'reply', body: 'Done.', attachments: file(marks.otherFile) }),
  );

  const start = async (body: string) =>
    ok<{ id: string; token: string }>(
      app.inject({ method: 'POST', url: `/chat/${slug}/conversations`, remoteAddress: nextIp(), payload: { body, name: 'Vic Visitor' } }),
    );
  const chat = await start(marks.chat);
  const otherChat = await start(marks.otherChat);
  const made: Site = {
    s,
    slug,
    marks,
    ids: {
      article: article.id,
      category: category.id,
      ticket: ticket.id,
      conversation: chat.id,
      rating: csatToken(s.workspaceId, ticket.id),
      // A file is named by its ticket and its own id (`ticket/file`).
      file: `${ticket.id}/${fileOf(reply)}`,
    },
    // A rating link has no "other": whoever holds one may use it, as the customer it was mailed to.
    others: {
      ticket: other.id,
      conversation: otherChat.id,
      article: internal.id,
      // The note's file through the customer's own ticket.
      file: `${ticket.id}/${fileOf(note)}`,
    },
    // Another customer's file through their ticket, and through the customer's own.
    moreFiles: [`${other.id}/${fileOf(otherReply)}`, `${ticket.id}/${fileOf(otherReply)}`],
    visitorToken: chat.token,
  };
  await solve(made);
  return made;
}

const customerId = async (a: Site) =>
  (
    await selectRows<{ id: string }>(
      app.db,
      sql`select c.id from contacts c where c.workspace_id = ${a.s.workspaceId} and c.first_name = 'Carla' and c.last_name = 'Alpha'`,
    )
  )[0].id;

const customerToken = async (a: Site) => newSignInToken(app.db, a.s.workspaceId, await customerId(a));

/** Solves the customer's ticket again (a reply of theirs through the portal opens it). */
async function solve(a: Site) {
  const t = await ok<{ version: number; status: string }>(api(a.s).get(`/tickets/${a.ids.ticket}`), 200);
  if (t.status !== 'solved') await ok(api(a.s).patch(`/tickets/${a.ids.ticket}`, { status: 'solved', version: t.version }), 200);
}

/** Signs A's customer in to A's portal through the real sign-in page (the link's token minted as the mailed link would carry it). */
async function signInCustomer(a: Site) {
  const token = await customerToken(a);
  const r = await app.inject({
    method: 'POST',
    url: `/help/${a.slug}/portal/sign-in`,
    remoteAddress: nextIp(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ token }),
  });
  expect(r.statusCode, r.body).toBe(303);
  const cookie = String(r.headers['set-cookie']).split(';')[0];
  const page = await app.inject({ method: 'GET', url: `/help/${a.slug}/portal`, headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  expect(csrf).toBeTruthy();
  return { cookie, csrf: csrf as string };
}

const csrfOf = (w: World, caller: Caller) => (caller === 'customer' ? w.customer.csrf : 'not-a-token');
const message = (w: World, site: Site, caller: Caller) => ({ csrf: csrfOf(w, caller), message: `Attack through ${site.slug}` });

/** Every public page. The static ones carry no workspace data; those of other modules are covered where they live. */
const cases: Record<string, PageCase | { outside: string }> = {
  'GET /help/:slug': { shows: (a) => [a.marks.article, a.marks.category] },
  'GET /help/:slug/search': { query: 'q=Billing', shows: (a) => [a.marks.article] },
  'GET /help/:slug/categories/:id': { id: 'category', shows: (a) => [a.marks.category, a.marks.article] },
  'GET /help/:slug/articles/:id': { id: 'article', shows: (a) => [a.marks.article] },
  'POST /help/:slug/articles/:id/vote': { id: 'article', body: () => ({ helpful: 'yes' }) },
  'GET /help/:slug/contact': {},
  'POST /help/:slug/contact': {
    body: (w, site) => ({
      token: formToken({ workspaceId: site.s.workspaceId, name: '', slug: site.slug }, Date.now() - 10_000),
      name: 'Carla Customer',
      email: uniqueEmail('form'),
      subject: `Form through ${site.slug}`,
      message: w.a.marks.ticket,
    }),
  },
  'GET /help/:slug/portal': { by: 'customer', shows: (a) => [a.marks.ticket, a.marks.colleague] },
  'POST /help/:slug/portal/link': { body: () => ({ email: uniqueEmail('nobody') }) },
  'GET /help/:slug/portal/sign-in': { query: 'token=not-a-real-token' },
  // A link's token is the credential: A's customer's, minted as the mailed link carries it, signs in on A's site only.
  'POST /help/:slug/portal/sign-in': { body: async (w) => ({ token: await customerToken(w.a) }) },
  'POST /help/:slug/portal/sign-out': { by: 'customer', body: (w, _s, caller) => ({ csrf: csrfOf(w, caller) }) },
  'GET /help/:slug/portal/tickets/:id': { id: 'ticket', by: 'customer', shows: (a) => [a.marks.ticket, a.marks.reply] },
  'GET /help/:slug/portal/tickets/:id/files/:fileId': { id: 'file', by: 'customer', shows: (a) => [a.marks.file] },
  'POST /help/:slug/portal/tickets/:id/reply': { id: 'ticket', by: 'customer', body: message },
  'POST /help/:slug/portal/tickets/:id/rating': {
    id: 'ticket',
    by: 'customer',
    body: (w, _s, caller) => ({ csrf: csrfOf(w, caller), rating: 'good' }),
    prepare: (w) => solve(w.a),
  },
  'GET /help/:slug/rate/:token': { id: 'rating', query: 'rating=bad', writes: true, prepare: (w) => solve(w.a) },
  'POST /help/:slug/rate/:token': { id: 'rating', body: () => ({ rating: 'bad', comment: 'Attack comment' }) },
  'GET /help/:slug/portal/new': { by: 'customer' },
  'POST /help/:slug/portal/new': {
    by: 'customer',
    body: (w, site, caller) => ({ ...message(w, site, caller), subject: 'Through the portal' }),
  },
  'GET /chat/:slug/status': {},
  'POST /chat/:slug/conversations': { body: (_w, site) => ({ body: `Chat through ${site.slug}` }) },
  'GET /chat/:slug/conversations/:id': { id: 'conversation', by: 'visitor', shows: (a) => [a.marks.chat] },
  'POST /chat/:slug/conversations/:id/messages': {
    id: 'conversation',
    by: 'visitor',
    body: (_w, site) => ({ body: `Attack through ${site.slug}` }),
  },
  'GET /chat/:slug/conversations/:id/stream': { id: 'conversation', by: 'visitor', query: 'seconds=0', shows: (a) => [a.marks.chat] },
  'POST /chat/:slug/offline': { body: (_w, site) => ({ body: `Offline through ${site.slug}`, email: uniqueEmail('offline') }) },
  'GET /chat/widget.js': { outside: 'the built script, the same file for every site' },
  'GET /health': { outside: 'whether the process is alive: no data' },
  'GET /ready': { outside: 'whether the database answers and is migrated: no data' },
  'GET /ical/:file': { outside: 'a member’s calendar feed by its secret token (server/modules/calendar/feed.test.ts)' },
  'GET /t/o/:token': { outside: 'an email’s open pixel by its signed token (server/modules/email/tracking.test.ts)' },
  'GET /t/c/:token': { outside: 'an email’s tracked link by its signed token (server/modules/email/tracking.test.ts)' },
};

let w: World;
/** What nobody may change through the calls: B's things, and A's things that belong to neither caller. */
let before: string;

/** A fingerprint of everything the attacks must leave alone. */
async function guarded() {
  const b = w.b.s.workspaceId;
  const rows = await selectRows(
    app.db,
    sql`select
      (select count(*) from ticket_messages m where m.workspace_id = ${b} and m.ticket_id in (${w.b.ids.ticket}, ${w.b.others.ticket}))::int as b_ticket_messages,
      (select count(*) from ticket_messages m where m.workspace_id = ${w.a.s.workspaceId} and m.ticket_id = ${w.a.others.ticket})::int as a_other_messages,
      (select count(*) from chat_messages m where m.workspace_id = ${b} and m.conversation_id in (${w.b.ids.conversation}, ${w.b.others.conversation}))::int as b_chat_messages,
      (select count(*) from chat_messages m where m.workspace_id = ${w.a.s.workspaceId} and m.conversation_id = ${w.a.others.conversation})::int as a_other_chat,
      (select count(*) from kb_article_votes v where v.workspace_id = ${b})::int as b_votes,
      (select count(*) from kb_article_votes v where v.workspace_id = ${w.a.s.workspaceId} and v.article_id = ${w.a.others.article})::int as a_internal_votes,
      (select string_agg(r.rating || ':' || coalesce(r.comment, ''), ',' order by r.ticket_id) from ticket_ratings r where r.workspace_id = ${b}) as b_ratings,
      (select count(*) from ticket_ratings r where r.workspace_id = ${w.a.s.workspaceId} and r.ticket_id = ${w.a.others.ticket})::int as a_other_ratings,
      (select count(*) from tickets t where t.workspace_id = ${w.a.s.workspaceId} and t.requester_id is distinct from null
         and t.subject like 'Through the portal%' and t.requester_id <> (select c.id from contacts c where c.workspace_id = ${w.a.s.workspaceId} and c.first_name = 'Carla' and c.last_name = 'Alpha'))::int as a_misfiled`,
  );
  return JSON.stringify(rows[0]);
}

beforeAll(async () => {
  const [a, b] = [await site('Alpha'), await site('Beta')];
  w = { a, b, customer: await signInCustomer(a) };
  before = await guarded();
}, 120_000);

/** The markers a caller may see on a site: the site's public content, and their own things on A's. */
function allowed(site: Site, caller: Caller) {
  const m = site.marks;
  const mine =
    site === w.a ? (caller === 'customer' ? [m.ticket, m.reply, m.colleague, m.file] : caller === 'visitor' ? [m.chat] : []) : [];
  return new Set([m.article, m.category, ...mine]);
}

const everyMark = () => [...Object.values(w.a.marks), ...Object.values(w.b.marks)];

const pages = [...app.pageTable].sort((x, y) => `${x.url} ${x.method}`.localeCompare(`${y.url} ${y.method}`));

it('has a case for every public page', () => {
  const missing = pages.map((p) => `${p.method} ${p.url}`).filter((k) => !cases[k]);
  expect(missing).toEqual([]);
  expect(Object.keys(cases).filter((k) => !pages.some((p) => `${p.method} ${p.url}` === k))).toEqual([]);
});

describe.each(pages.filter((p) => !('outside' in (cases[`${p.method} ${p.url}`] ?? {}))).map((p) => [`${p.method} ${p.url}`, p] as const))(
  '%s',
  (key, page) => {
    const c = (cases[key] ?? {}) as PageCase;

    async function call(site: Site, id: string | undefined, caller: Caller) {
      let url = page.url.replace(':slug', site.slug);
      if (id && c.id === 'file') url = url.replace(':id/files/:fileId', id.replace('/', '/files/'));
      else if (id) url = url.replace(/:(id|token)/, id);
      if (c.query) url += `?${c.query}`;
      const headers: Record<string, string> = {};
      if (caller === 'customer') headers.cookie = w.customer.cookie;
      if (caller === 'visitor') headers['x-chat-token'] = w.a.visitorToken;
      const body = await c.body?.(w, site, caller);
      const json = page.url.startsWith('/chat/');
      if (body) headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
      return app.inject({
        method: page.method as 'GET',
        url,
        remoteAddress: nextIp(),
        headers,
        ...(body ? { payload: json ? body : form(body) } : {}),
      });
    }

    it('shows each caller only what is theirs, on the site asked for', async () => {
      const ids: (string | undefined)[] = c.id
        ? [
            w.a.ids[c.id],
            w.a.others[c.id],
            w.b.ids[c.id],
            w.b.others[c.id],
            ...(c.id === 'file' ? [...w.a.moreFiles, ...w.b.moreFiles] : []),
          ].filter((x) => x !== undefined)
        : [undefined];
      for (const site of [w.a, w.b]) {
        for (const id of ids) {
          for (const caller of ['nobody', 'visitor', 'customer'] as const) {
            // Writes to B's own things through B's own site are B's visitors' right: not an attack.
            if ((page.method !== 'GET' || c.writes) && site === w.b && id !== undefined && id === w.b.ids[c.id as IdKind]) continue;
            // Signing out ends the customer's session, which the other pages still need: it goes last.
            if (key === 'POST /help/:slug/portal/sign-out' && caller === 'customer' && site === w.a) continue;
            const res = await call(site, id, caller);
            const seen = `${res.body} ${res.headers.location ?? ''}`;
            expect(res.statusCode, `${site.slug} ${id} ${caller}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
            const may = allowed(site, caller);
            for (const m of everyMark()) if (!may.has(m)) expect(seen, `${caller} on ${site.slug} with ${id}`).not.toContain(m);
          }
        }
      }
    });

    it('shows the rightful caller their own things on their own site', async () => {
      const caller = c.by ?? 'nobody';
      if (key === 'POST /help/:slug/portal/sign-out') {
        // The last use of the customer's session.
        const res = await call(w.a, undefined, caller);
        expect(res.statusCode).toBe(303);
        const after = await app.inject({ method: 'GET', url: `/help/${w.a.slug}/portal`, headers: { cookie: w.customer.cookie } });
        expect(after.body).not.toContain(w.a.marks.ticket);
        w.customer = await signInCustomer(w.a);
        return;
      }
      await c.prepare?.(w);
      const res = await call(w.a, c.id ? w.a.ids[c.id] : undefined, caller);
      expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(400);
      for (const m of c.shows?.(w.a) ?? []) expect(res.body).toContain(m);
    });
  },
);

it('left B’s things, and A’s other customer’s, as they were', async () => {
  expect(await guarded()).toBe(before);
});
