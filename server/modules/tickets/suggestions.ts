import type { SuggestedArticles } from '../../../contract/desk.ts';
import type { Conn } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import { findRow } from '../../records/crud.ts';
import { getHelpCentre, listArticles } from '../knowledge/knowledge.service.ts';
import { ticketDef } from './tickets.service.ts';
import type { tickets } from './tickets.table.ts';

/**
 * The words of a ticket as one "any of these" query in web-search syntax (`printer or toner or …`).
 * All of a subject's words rarely appear in one article, so every word counts on its own and the
 * rank puts the articles matching most of them first. Words under three letters say little.
 */
export function anyWordQuery(text: string, max = 16) {
  const words = [...new Set((text.toLowerCase().match(/[\p{L}][\p{L}\p{N}]{2,}/gu) ?? []).filter((w) => w !== 'or'))];
  return words.slice(0, max).join(' or ');
}

/**
 * Published knowledge-base articles that match the ticket's subject and description, best first,
 * each searched in its own language (the knowledge module's search). `language` narrows them to
 * the customer's language (its primary subtag: `de` matches `de-AT`) when the page knows it.
 */
export async function suggestArticles(conn: Conn, ctx: Ctx, ticketId: string, language?: string): Promise<SuggestedArticles> {
  const t = await findRow<typeof tickets.$inferSelect>(conn, ctx, ticketDef, ticketId);
  const q = anyWordQuery(`${t.subject} ${(t.description ?? '').slice(0, 2000)}`);
  if (!q) return { data: [] };
  const primary = (tag: string) => tag.split('-')[0].toLowerCase();
  const found = (await listArticles(conn, ctx, { q, status: 'published', limit: 20 })).filter(
    (a) => !language || primary(a.language) === primary(language),
  );
  const { path } = await getHelpCentre(conn, ctx);
  return {
    data: found.slice(0, 5).map((a) => ({
      id: a.id,
      title: a.title,
      language: a.language,
      visibility: a.visibility,
      url: path && a.visibility === 'public' ? `${path}/articles/${a.id}` : null,
    })),
  };
}
