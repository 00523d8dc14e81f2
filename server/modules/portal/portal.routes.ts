import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { HelpCentreSlug } from '../../../contract/knowledge.ts';
import type { FieldError } from '../../http/errors.ts';
import { databaseRateLimitStore } from '../../http/rate-limit-store.ts';
import type { App } from '../../http/typed-app.ts';
import { isEmailAddress, isStorableText } from '../../http/validation.ts';
import { enqueue } from '../../jobs/queue.ts';
import { sizeText } from '../email/attachments.ts';
import { notFoundPage } from '../knowledge/help-centre.html.ts';
import { type HelpSite, helpSite } from '../knowledge/help-centre.service.ts';
import { attachmentCap, readPublicAttachment, type Upload } from '../tickets/attachments.ts';
import { checkForm, formToken, formTokenProblem, formValues, HONEYPOT, submitContactForm } from './contact-form.ts';
import { commentOnRating, type Rating, rateTicket, ticketOfCsatToken, ticketSatisfaction } from './csat.service.ts';
import { MAX_FORM_FILES, multipartParser } from './multipart.ts';
import {
  confirmSignInPage,
  contactPage,
  contactSentPage,
  linkInvalidPage,
  newTicketPage,
  portalBase,
  ratedPage,
  signInPage,
  ticketPage,
  ticketsPage,
} from './portal.html.ts';
import { signInLinkJob } from './portal.jobs.ts';
import {
  contactByEmail,
  endPortalSession,
  type PortalViewer,
  portalCtx,
  portalViewer,
  SESSION_TTL_MS,
  startPortalSession,
  useSignInToken,
} from './portal.service.ts';
import { openTicketAsCustomer, portalMessages, portalTicket, portalTickets, replyAsCustomer } from './portal-tickets.ts';

const SiteParams = Type.Object({ slug: HelpCentreSlug }, { additionalProperties: false });
const TicketParams = Type.Object({ slug: HelpCentreSlug, id: Uuid }, { additionalProperties: false });
const FileParams = Type.Object({ slug: HelpCentreSlug, id: Uuid, fileId: Uuid }, { additionalProperties: false });
const SentQuery = Type.Object({ sent: Type.Optional(Type.Literal('1')) }, { additionalProperties: false });
const RateParams = Type.Object({ slug: HelpCentreSlug, token: Type.String({ maxLength: 300 }) }, { additionalProperties: false });
const RateQuery = Type.Object({ rating: Type.Union([Type.Literal('good'), Type.Literal('bad')]) }, { additionalProperties: false });
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false });
/** A posted form: fields by name, each a string (what a browser sends); the services read the ones they know. */
const FormBody = Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 60_000 }), { maxProperties: 20 });

/** The customer's portal session: its own cookie, sent only to the portal's pages of one workspace. */
const PORTAL_COOKIE = 'rapport_portal';

/** Per email address, on top of the per-IP limits: a form or a sign-in link a few times an hour. */
const PER_EMAIL = { max: 5, windowMs: 3_600_000 };

/**
 * The public contact form and the customer portal, beside the help centre under /help/<slug>:
 * server-rendered pages that work without JavaScript. Nothing here reads a member's session; the
 * portal's own session decides what a customer sees.
 */
export async function portalRoutes(app: App) {
  // Forms post url-encoded; a message may be long, but nothing needs more than this.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 100_000 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Forms with files (a reply, a new request) post multipart: text fields as above, files beside them.
  app.addContentTypeParser('multipart/form-data', multipartParser(attachmentCap));
  const limit = () => sizeText(attachmentCap());

  /**
   * The files a form brought, or the error that refuses the whole form: too many files, or files
   * together over the cap (named, with the limit). The customer's text stays in the form; a file
   * input cannot be filled again by a page, so the message asks for the files again.
   */
  const formFiles = (req: FastifyRequest): { files: Upload[]; errors: FieldError[] } => {
    const got = req.formFiles;
    if (!got) return { files: [], errors: [] };
    if (got.over)
      return {
        files: [],
        errors: [
          {
            field: 'attachments',
            code: 'attachments_too_large',
            message: `${got.over.filename} takes your files over the ${limit()} limit. Nothing was sent: please attach smaller files (your text is kept).`,
          },
        ],
      };
    if (got.tooMany)
      return {
        files: [],
        errors: [
          {
            field: 'attachments',
            code: 'too_many_files',
            message: `Attach at most ${MAX_FORM_FILES} files. Nothing was sent: please choose them again (your text is kept).`,
          },
        ],
      };
    return { files: got.files, errors: [] };
  };
  /** 413 when the files were refused for their size, 422 for anything else the form got wrong. */
  const statusOf = (errors: FieldError[]) => (errors.some((x) => x.code === 'attachments_too_large') ? 413 : 422);

  const Store = databaseRateLimitStore(app.database);
  const perEmail = new Store('portal-email|');
  /** Whether this email may have one more form or link this hour (counted in the shared rate-limit table). */
  const emailAllowed = (site: HelpSite, what: string, email: string) =>
    new Promise<boolean>((resolve, reject) =>
      perEmail.incr(
        `${what}|${site.workspaceId}|${email.toLowerCase()}`,
        (err, r) => (err ? reject(err) : resolve((r?.current ?? 0) <= PER_EMAIL.max)),
        PER_EMAIL.windowMs,
      ),
    );

  const html = (reply: FastifyReply, status: number, text: string) =>
    reply.status(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(text);
  const seeOther = (reply: FastifyReply, to: string) => reply.header('cache-control', 'no-store').redirect(to, 303);

  /** Another site's page may not post into the portal (the CSRF token covers signed-in forms too). */
  const crossSite = (req: FastifyRequest) => req.headers['sec-fetch-site'] === 'cross-site';

  const withSite = async (reply: FastifyReply, slug: string, go: (site: HelpSite) => Promise<unknown>) => {
    const site = await helpSite(app.db, slug);
    return site ? go(site) : html(reply, 404, notFoundPage(undefined));
  };

  const cookieOptions = (site: HelpSite) => ({
    httpOnly: true,
    secure: app.config.baseUrl.startsWith('https://'),
    sameSite: 'lax' as const,
    path: portalBase(site),
  });

  /** The signed-in customer, or the sign-in page. */
  const withViewer = (
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    go: (site: HelpSite, viewer: PortalViewer) => Promise<unknown>,
  ) =>
    withSite(reply, slug, async (site) => {
      const viewer = await portalViewer(app.db, site, req.cookies[PORTAL_COOKIE]);
      if (!viewer) return seeOther(reply, portalBase(site));
      return go(site, viewer);
    });

  const csrfOk = (viewer: PortalViewer, given: string | undefined) => {
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(viewer.csrfToken);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  /** A signed-in form post: same site, the session's CSRF token. */
  const withPost = (
    req: FastifyRequest,
    body: Record<string, string>,
    reply: FastifyReply,
    slug: string,
    go: (site: HelpSite, viewer: PortalViewer) => Promise<unknown>,
  ) =>
    withViewer(req, reply, slug, async (site, viewer) => {
      if (crossSite(req) || !csrfOk(viewer, body.csrf)) return html(reply, 403, notFoundPage(site));
      return go(site, viewer);
    });

  const limited = (max: number) => ({ permission: 'public' as const, rateLimit: { max, timeWindow: '1 minute' } });

  // The contact form.
  app.get('/help/:slug/contact', {
    config: { permission: 'public' },
    schema: { hide: true, params: SiteParams, querystring: SentQuery },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) =>
        html(
          reply,
          200,
          req.query.sent
            ? contactSentPage(site)
            : contactPage(site, { values: { name: '', email: '', subject: '', message: '' }, errors: [], token: formToken(site) }),
        ),
      ),
  });

  app.post('/help/:slug/contact', {
    config: limited(10),
    schema: { hide: true, params: SiteParams, body: FormBody },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        if (crossSite(req)) return html(reply, 403, notFoundPage(site));
        const sent = `/help/${encodeURIComponent(site.slug)}/contact?sent=1`;
        // A bot filled in the field people never see: it is thanked like a person, and nothing is stored.
        if (req.body[HONEYPOT]) return seeOther(reply, sent);
        const values = formValues(req.body);
        const again = (status: number, errors: FieldError[], problem?: string) =>
          html(reply, status, contactPage(site, { values, errors, problem, token: formToken(site) }));
        const problem = formTokenProblem(site, req.body.token);
        if (problem) return again(422, [], problem);
        const errors = checkForm(values);
        if (errors.length) return again(422, errors);
        if (!(await emailAllowed(site, 'contact', values.email)))
          return again(429, [], 'We have received several messages from this address in the last hour; please try again later.');
        const ctx = await portalCtx(app.db, site);
        if (!ctx) return html(reply, 404, notFoundPage(site));
        await app.db.transaction((tx) => submitContactForm(tx, ctx, site, values));
        return seeOther(reply, sent);
      }),
  });

  // Signing in to the portal.
  app.get('/help/:slug/portal', {
    config: { permission: 'public' },
    schema: { hide: true, params: SiteParams, querystring: SentQuery },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        const viewer = await portalViewer(app.db, site, req.cookies[PORTAL_COOKIE]);
        if (!viewer) return html(reply, 200, signInPage(site, { sent: !!req.query.sent }));
        return html(reply, 200, ticketsPage(site, viewer.csrfToken, await portalTickets(app.db, viewer)));
      }),
  });

  app.post('/help/:slug/portal/link', {
    config: limited(10),
    schema: { hide: true, params: SiteParams, body: FormBody },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        if (crossSite(req)) return html(reply, 403, notFoundPage(site));
        const email = (req.body.email ?? '').trim();
        if (!email || email.length > 254 || !isEmailAddress(email))
          return html(reply, 422, signInPage(site, { email, error: 'Please enter a valid email address.' }));
        // Known or not, the answer is the same page: the portal does not tell who is a customer.
        if (await emailAllowed(site, 'link', email)) {
          const contactId = await contactByEmail(app.db, site, email);
          if (contactId)
            await enqueue(
              app.db,
              signInLinkJob,
              { contactId, email: email.toLowerCase(), slug: site.slug },
              { workspaceId: site.workspaceId },
            );
        }
        return seeOther(reply, `${portalBase(site)}?sent=1`);
      }),
  });

  app.get('/help/:slug/portal/sign-in', {
    config: limited(30),
    schema: { hide: true, params: SiteParams, querystring: TokenQuery },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) =>
        req.query.token
          ? html(reply, 200, confirmSignInPage(site, req.query.token)).header('referrer-policy', 'no-referrer')
          : seeOther(reply, portalBase(site)),
      ),
  });

  app.post('/help/:slug/portal/sign-in', {
    config: limited(30),
    schema: { hide: true, params: SiteParams, body: FormBody },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        if (crossSite(req)) return html(reply, 403, notFoundPage(site));
        const token = await app.db.transaction(async (tx) => {
          const contactId = await useSignInToken(tx, site, req.body.token);
          return contactId && startPortalSession(tx, site, contactId);
        });
        if (!token) return html(reply, 410, linkInvalidPage(site));
        reply.setCookie(PORTAL_COOKIE, token, { ...cookieOptions(site), maxAge: SESSION_TTL_MS / 1000 });
        return seeOther(reply, portalBase(site));
      }),
  });

  app.post('/help/:slug/portal/sign-out', {
    config: { permission: 'public' },
    schema: { hide: true, params: SiteParams, body: FormBody },
    handler: (req, reply) =>
      withPost(req, req.body, reply, req.params.slug, async (site, viewer) => {
        await endPortalSession(app.db, viewer);
        reply.clearCookie(PORTAL_COOKIE, cookieOptions(site));
        return seeOther(reply, portalBase(site));
      }),
  });

  // A signed-in customer's tickets.
  app.get('/help/:slug/portal/tickets/:id', {
    config: { permission: 'public' },
    schema: { hide: true, params: TicketParams },
    handler: (req, reply) =>
      withViewer(req, reply, req.params.slug, async (site, viewer) => {
        const ticket = await portalTicket(app.db, viewer, req.params.id);
        if (!ticket) return html(reply, 404, notFoundPage(site));
        const conversation = await portalMessages(app.db, viewer, ticket.id);
        return html(
          reply,
          200,
          ticketPage(site, { csrf: viewer.csrfToken, ticket, conversation, rating: await ratingOf(site, ticket) }, limit()),
        );
      }),
  });

  // A file of the viewer's ticket: a public reply's or the ticket's own, never an internal note's.
  app.get('/help/:slug/portal/tickets/:id/files/:fileId', {
    config: limited(60),
    schema: { hide: true, params: FileParams },
    handler: (req, reply) =>
      withViewer(req, reply, req.params.slug, async (site, viewer) => {
        const ticket = await portalTicket(app.db, viewer, req.params.id);
        const file = ticket && (await readPublicAttachment(app.db, viewer.workspaceId, ticket.id, req.params.fileId));
        if (!file) return html(reply, 404, notFoundPage(site));
        return reply
          .header('content-type', file.contentType)
          .header('content-disposition', file.disposition)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-store')
          .send(file.content);
      }),
  });

  app.post('/help/:slug/portal/tickets/:id/reply', {
    config: limited(20),
    schema: { hide: true, params: TicketParams, body: FormBody },
    handler: (req, reply) =>
      withPost(req, req.body, reply, req.params.slug, async (site, viewer) => {
        const ticket = await portalTicket(app.db, viewer, req.params.id);
        if (!ticket) return html(reply, 404, notFoundPage(site));
        const { message } = formValues(req.body);
        const { files, errors: fileErrors } = formFiles(req);
        const errors = [...checkForm({ name: '', email: 'x@x.example', subject: 'x', message }), ...fileErrors];
        if (errors.length || !ticket.own || ticket.status === 'closed') {
          const conversation = await portalMessages(app.db, viewer, ticket.id);
          return html(
            reply,
            statusOf(errors),
            ticketPage(site, { csrf: viewer.csrfToken, ticket, conversation, reply: message, errors }, limit()),
          );
        }
        const ctx = await portalCtx(app.db, site);
        if (!ctx) return html(reply, 404, notFoundPage(site));
        await app.db.transaction((tx) => replyAsCustomer(tx, ctx, ticket, message, files));
        return seeOther(reply, `${portalBase(site)}/tickets/${ticket.id}`);
      }),
  });

  /** The viewer's rating of a solved ticket of theirs (null: none yet), undefined when there is nothing to rate. */
  const ratingOf = async (site: HelpSite, ticket: { id: string; status: string; own: boolean }) => {
    if (!ticket.own || (ticket.status !== 'solved' && ticket.status !== 'closed')) return undefined;
    const ctx = await portalCtx(app.db, site);
    return ctx ? (await ticketSatisfaction(app.db, ctx, ticket.id)).rating : undefined;
  };

  app.post('/help/:slug/portal/tickets/:id/rating', {
    config: limited(20),
    schema: { hide: true, params: TicketParams, body: FormBody },
    handler: (req, reply) =>
      withPost(req, req.body, reply, req.params.slug, async (site, viewer) => {
        const ticket = await portalTicket(app.db, viewer, req.params.id);
        const rating = req.body.rating;
        const ctx = await portalCtx(app.db, site);
        if (!ticket?.own || !ctx || (rating !== 'good' && rating !== 'bad')) return html(reply, 404, notFoundPage(site));
        await app.db.transaction((tx) => rateTicket(tx, ctx, ticket.id, rating));
        return seeOther(reply, `${portalBase(site)}/tickets/${ticket.id}`);
      }),
  });

  // One-click ratings from the "solved" email: the click records it, the page offers a comment.
  app.get('/help/:slug/rate/:token', {
    config: limited(30),
    schema: { hide: true, params: RateParams, querystring: RateQuery },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        const ticketId = ticketOfCsatToken(site, req.params.token);
        const ctx = await portalCtx(app.db, site);
        const rating: Rating = req.query.rating === 'bad' ? 'bad' : 'good';
        const done = ticketId && ctx && (await app.db.transaction((tx) => rateTicket(tx, ctx, ticketId, rating)));
        if (!done) return html(reply, 404, notFoundPage(site));
        return html(reply, 200, ratedPage(site, req.params.token, rating, false)).header('referrer-policy', 'no-referrer');
      }),
  });

  app.post('/help/:slug/rate/:token', {
    config: limited(30),
    schema: { hide: true, params: RateParams, body: FormBody },
    handler: (req, reply) =>
      withSite(reply, req.params.slug, async (site) => {
        if (crossSite(req)) return html(reply, 403, notFoundPage(site));
        const ticketId = ticketOfCsatToken(site, req.params.token);
        const ctx = await portalCtx(app.db, site);
        const comment = (req.body.comment ?? '').trim().slice(0, 2000);
        const rating = req.body.rating === 'bad' ? 'bad' : 'good';
        if (!ticketId || !ctx) return html(reply, 404, notFoundPage(site));
        if (comment && isStorableText(comment)) await app.db.transaction((tx) => commentOnRating(tx, ctx, ticketId, comment));
        return html(reply, 200, ratedPage(site, req.params.token, rating, true));
      }),
  });

  app.get('/help/:slug/portal/new', {
    config: { permission: 'public' },
    schema: { hide: true, params: SiteParams },
    handler: (req, reply) =>
      withViewer(req, reply, req.params.slug, async (site, viewer) =>
        html(reply, 200, newTicketPage(site, viewer.csrfToken, { subject: '', message: '' }, [], limit())),
      ),
  });

  app.post('/help/:slug/portal/new', {
    config: limited(10),
    schema: { hide: true, params: SiteParams, body: FormBody },
    handler: (req, reply) =>
      withPost(req, req.body, reply, req.params.slug, async (site, viewer) => {
        const { subject, message } = formValues(req.body);
        const { files, errors: fileErrors } = formFiles(req);
        const errors = [...checkForm({ name: '', email: 'x@x.example', subject, message }), ...fileErrors];
        if (errors.length)
          return html(reply, statusOf(errors), newTicketPage(site, viewer.csrfToken, { subject, message }, errors, limit()));
        const ctx = await portalCtx(app.db, site);
        if (!ctx) return html(reply, 404, notFoundPage(site));
        const ticket = await app.db.transaction((tx) => openTicketAsCustomer(tx, ctx, viewer, { subject, description: message }, files));
        return seeOther(reply, `${portalBase(site)}/tickets/${ticket.id}`);
      }),
  });
}
