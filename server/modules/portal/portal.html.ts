import type { FieldError } from '../../http/errors.ts';
import { base, page } from '../knowledge/help-centre.html.ts';
import type { HelpSite } from '../knowledge/help-centre.service.ts';
import { escapeHtml as e } from '../knowledge/knowledge.render.ts';
import { type ContactFormValues, HONEYPOT } from './contact-form.ts';
import type { PortalConversation, PortalFile, PortalTicket } from './portal-tickets.ts';

// The contact form's and the portal's pages, built on the help centre's page: plain HTML forms that
// work without JavaScript, each field labelled, an error said beside its field (and linked from a
// summary at the top), everything a customer or a workspace typed escaped.

const css = `
form.stack{display:grid;gap:1rem;max-width:36rem}form.stack label{font-weight:600;display:block}
form.stack input,form.stack textarea{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #868e96;border-radius:4px}
form.stack textarea{min-height:8rem}.err{color:#c92a2a;margin:.25rem 0 0}[aria-invalid=true]{border-color:#c92a2a!important}
.hp{display:none}.errors{border:2px solid #c92a2a;padding:.5rem 1rem;border-radius:4px}
.bar{display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap}
ol.thread{list-style:none;padding:0}ol.thread li{border:1px solid #dee2e6;border-radius:4px;padding:.5rem 1rem;margin:.75rem 0}
ol.thread li.you{background:#e7f5ff}.body{white-space:pre-wrap}.status{font-weight:600}
ul.files{margin:.5rem 0 0;padding-left:1.25rem}ol.thread ul.files li{border:0;padding:0;margin:.25rem 0;background:none}.hint{color:#495057;margin:.25rem 0 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #dee2e6}
`;

export const portalBase = (site: HelpSite) => `${base(site)}/portal`;

const statusWords: Record<string, string> = {
  new: 'Received',
  open: 'Open',
  pending: 'Waiting for you',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};

function fieldError(errors: FieldError[], field: string) {
  const err = errors.find((x) => x.field === field);
  return err
    ? { attrs: ` aria-invalid="true" aria-describedby="${field}-error"`, text: `<p class="err" id="${field}-error">${e(err.message)}</p>` }
    : { attrs: '', text: '' };
}

function errorSummary(errors: FieldError[], problem?: string) {
  if (!errors.length && !problem) return '';
  const items = errors.map((x) => `<li><a href="#${e(x.field)}">${e(x.message)}</a></li>`);
  if (problem) items.unshift(`<li>${e(problem)}</li>`);
  return `<div class="errors" role="alert"><h2>Please check the form</h2><ul>${items.join('')}</ul></div>`;
}

function input(
  name: string,
  label: string,
  value: string,
  errors: FieldError[],
  opts: { type?: string; required?: boolean; autocomplete?: string; maxlength?: number } = {},
) {
  const err = fieldError(errors, name);
  return `<div><label for="${name}">${e(label)}</label>
<input id="${name}" name="${name}" type="${opts.type ?? 'text'}" value="${e(value)}"${opts.required ? ' required' : ''}${opts.autocomplete ? ` autocomplete="${opts.autocomplete}"` : ''} maxlength="${opts.maxlength ?? 200}"${err.attrs}>${err.text}</div>`;
}

function textarea(name: string, label: string, value: string, errors: FieldError[]) {
  const err = fieldError(errors, name);
  return `<div><label for="${name}">${e(label)}</label>
<textarea id="${name}" name="${name}" required maxlength="20000"${err.attrs}>${e(value)}</textarea>${err.text}</div>`;
}

export interface ContactFormState {
  values: ContactFormValues;
  errors: FieldError[];
  token: string;
  problem?: string;
}

export function contactPage(site: HelpSite, s: ContactFormState) {
  return page({
    site,
    title: 'Contact us',
    css,
    body: `<nav aria-label="Breadcrumb"><a href="${base(site)}">Help centre</a></nav>
<h1>Contact us</h1>
<p>Tell us what you need and we will answer by email. Already wrote to us? <a href="${portalBase(site)}">See your requests</a>.</p>
${errorSummary(s.errors, s.problem)}
<form method="post" action="${base(site)}/contact" class="stack" novalidate>
<input type="hidden" name="token" value="${e(s.token)}">
${input('name', 'Your name', s.values.name, s.errors, { autocomplete: 'name' })}
${input('email', 'Your email', s.values.email, s.errors, { type: 'email', required: true, autocomplete: 'email', maxlength: 254 })}
${input('subject', 'Subject', s.values.subject, s.errors, { required: true })}
${textarea('message', 'How can we help?', s.values.message, s.errors)}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT}">Leave this field empty</label><input id="${HONEYPOT}" name="${HONEYPOT}" type="text" tabindex="-1" autocomplete="off"></div>
<div><button type="submit">Send</button></div>
</form>`,
  });
}

export function contactSentPage(site: HelpSite) {
  return page({
    site,
    title: 'Thank you',
    css,
    body: `<h1>Thank you</h1><p role="status">We have received your message and will answer by email.</p>
<p><a href="${portalBase(site)}">See your requests</a> · <a href="${base(site)}">Back to the help centre</a></p>`,
  });
}

export function signInPage(site: HelpSite, opts: { sent?: boolean; error?: string; email?: string } = {}) {
  const errors: FieldError[] = opts.error ? [{ field: 'email', code: 'invalid', message: opts.error }] : [];
  const body = opts.sent
    ? `<h1>Check your email</h1><p role="status">If this address is known to us, we have sent it a link to sign in. The link works once, for 15 minutes.</p>
<p><a href="${portalBase(site)}">Send another link</a></p>`
    : `<h1>Your requests</h1><p>Enter your email address and we will send you a link to sign in — no password needed.</p>
${errorSummary(errors)}
<form method="post" action="${portalBase(site)}/link" class="stack" novalidate>
${input('email', 'Your email', opts.email ?? '', errors, { type: 'email', required: true, autocomplete: 'email', maxlength: 254 })}
<div><button type="submit">Email me a sign-in link</button></div>
</form>
<p>No request yet? <a href="${base(site)}/contact">Contact us</a>.</p>`;
  return page({ site, title: 'Sign in', css, body });
}

/** The page a sign-in link opens: a button spends the link, so that a mail scanner fetching it does not. */
export function confirmSignInPage(site: HelpSite, token: string) {
  return page({
    site,
    title: 'Sign in',
    css,
    body: `<h1>Sign in</h1><form method="post" action="${portalBase(site)}/sign-in" class="stack">
<input type="hidden" name="token" value="${e(token)}"><div><button type="submit">Continue to your requests</button></div></form>`,
  });
}

export function linkInvalidPage(site: HelpSite) {
  return page({
    site,
    title: 'Link expired',
    css,
    body: `<h1>This link no longer works</h1><p>A sign-in link works once and for 15 minutes.</p><p><a href="${portalBase(site)}">Get a new link</a></p>`,
  });
}

const signOut = (site: HelpSite, csrf: string) =>
  `<form method="post" action="${portalBase(site)}/sign-out"><input type="hidden" name="csrf" value="${e(csrf)}"><button type="submit" class="secondary">Sign out</button></form>`;

const when = (d: Date) => `<time datetime="${d.toISOString()}">${d.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;

export function ticketsPage(site: HelpSite, csrf: string, list: PortalTicket[]) {
  const rows = list.map(
    (t) =>
      `<tr><td>#${t.number}</td><td><a href="${portalBase(site)}/tickets/${t.id}">${e(t.subject)}</a></td><td>${e(statusWords[t.status] ?? t.status)}</td><td>${when(t.updatedAt)}</td></tr>`,
  );
  const table = list.length
    ? `<table><caption class="skip">Your requests</caption><thead><tr><th scope="col">Number</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Updated</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p>You have no requests yet.</p>';
  return page({
    site,
    title: 'Your requests',
    css,
    body: `<div class="bar"><h1>Your requests</h1>${signOut(site, csrf)}</div>
<p><a href="${portalBase(site)}/new">Open a new request</a></p>${table}`,
  });
}

export interface TicketPageState {
  csrf: string;
  /** The requester's rating when the ticket is solved (null: not rated yet); undefined: not rateable. */
  rating?: 'good' | 'bad' | null;
  ticket: PortalTicket;
  conversation: PortalConversation;
  reply?: string;
  errors?: FieldError[];
}

const sizeWords = (n: number) =>
  n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** A message's files as links that download them (the server sends each as an attachment). */
function fileList(site: HelpSite, ticketId: string, files: PortalFile[]) {
  if (!files.length) return '';
  const items = files.map((f) => {
    const name = e(f.filename ?? 'attachment');
    return f.note
      ? `<li>${name} (${sizeWords(f.size)}) — ${e(f.note)}</li>`
      : `<li><a href="${portalBase(site)}/tickets/${ticketId}/files/${f.id}" download>${name}</a> (${sizeWords(f.size)})</li>`;
  });
  return `<ul class="files" aria-label="Attached files">${items.join('')}</ul>`;
}

/** The file input of a form: several files, together under the limit said beside it. */
function fileInput(errors: FieldError[], limit: string) {
  const err = fieldError(errors, 'attachments');
  return `<div><label for="attachments">Attach files (optional)</label>
<input id="attachments" name="attachments" type="file" multiple aria-describedby="attachments-hint${err.text ? ' attachments-error' : ''}"${err.text ? ' aria-invalid="true"' : ''}>
<p class="hint" id="attachments-hint">Up to 10 files, ${e(limit)} together.</p>${err.text}</div>`;
}

const byWords = { you: 'You', support: 'Support', customer: 'A colleague' } as const;

export function ticketPage(site: HelpSite, s: TicketPageState, limit: string) {
  const t = s.ticket;
  const { ticketFiles, messages } = s.conversation;
  const first =
    t.description || ticketFiles.length
      ? [
          `<li class="${t.own ? 'you' : ''}"><p class="meta">${t.own ? 'You' : 'A colleague'} · ${when(t.createdAt)}</p><div class="body">${e(t.description ?? '')}</div>${fileList(site, t.id, ticketFiles)}</li>`,
        ]
      : [];
  const thread = first.concat(
    messages.map(
      (m) =>
        `<li class="${m.by === 'you' ? 'you' : ''}"><p class="meta">${byWords[m.by]} · ${when(m.createdAt)}</p><div class="body">${e(m.body)}</div>${fileList(site, t.id, m.files)}</li>`,
    ),
  );
  const errors = s.errors ?? [];
  const reply =
    t.status === 'closed'
      ? `<p>This request is closed. <a href="${portalBase(site)}/new">Open a new request</a> if you need more help.</p>`
      : !t.own
        ? '<p>A colleague of yours opened this request; they can answer it.</p>'
        : `<h2>Reply</h2>${errorSummary(errors)}<form method="post" action="${portalBase(site)}/tickets/${t.id}/reply" class="stack" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="${e(s.csrf)}">
${textarea('message', 'Your reply', s.reply ?? '', errors)}
${fileInput(errors, limit)}
<div><button type="submit">Send reply</button></div></form>`;
  return page({
    site,
    title: `#${t.number} ${t.subject}`,
    css,
    body: `<nav aria-label="Breadcrumb"><a href="${portalBase(site)}">Your requests</a></nav>
<h1>#${t.number} ${e(t.subject)}</h1><p class="status">Status: ${e(statusWords[t.status] ?? t.status)}</p>
<h2>Conversation</h2><ol class="thread">${thread.join('')}</ol>${s.rating !== undefined && t.own ? ratingForm(site, t.id, s.csrf, s.rating) : ''}${reply}`,
  });
}

export function newTicketPage(
  site: HelpSite,
  csrf: string,
  values: { subject: string; message: string },
  errors: FieldError[],
  limit: string,
) {
  return page({
    site,
    title: 'New request',
    css,
    body: `<nav aria-label="Breadcrumb"><a href="${portalBase(site)}">Your requests</a></nav><h1>New request</h1>
${errorSummary(errors)}<form method="post" action="${portalBase(site)}/new" class="stack" enctype="multipart/form-data" novalidate>
<input type="hidden" name="csrf" value="${e(csrf)}">
${input('subject', 'Subject', values.subject, errors, { required: true })}
${textarea('message', 'How can we help?', values.message, errors)}
${fileInput(errors, limit)}
<div><button type="submit">Send</button></div></form>`,
  });
}

/** After a one-click rating: thanks, and room for a comment. */
export function ratedPage(site: HelpSite, token: string, rating: 'good' | 'bad', commented: boolean) {
  const body = commented
    ? '<h1>Thank you</h1><p role="status">Your comment has reached the team.</p>'
    : `<h1>Thank you for your rating</h1><p role="status">You rated our help <strong>${rating === 'good' ? 'good' : 'bad'}</strong>.</p>
<form method="post" action="${base(site)}/rate/${encodeURIComponent(token)}" class="stack">
<input type="hidden" name="rating" value="${rating}">
<div><label for="comment">Anything you want to tell us? (optional)</label>
<textarea id="comment" name="comment" maxlength="2000"></textarea></div>
<div><button type="submit">Send comment</button></div></form>`;
  return page({ site, title: 'Thank you', css, body });
}

/** The rating buttons on a solved ticket in the portal. */
export function ratingForm(site: HelpSite, ticketId: string, csrf: string, rating: 'good' | 'bad' | null) {
  const said = rating ? `<p role="status">You rated this ${rating === 'good' ? 'good' : 'bad'}. You can change it.</p>` : '';
  return `<h2 id="rate-q">How did we do?</h2>${said}<form method="post" action="${portalBase(site)}/tickets/${ticketId}/rating" class="vote">
<input type="hidden" name="csrf" value="${e(csrf)}">
<button type="submit" name="rating" value="good" aria-describedby="rate-q">Good</button>
<button type="submit" name="rating" value="bad" class="secondary" aria-describedby="rate-q">Bad</button></form>`;
}
