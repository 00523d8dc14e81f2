import MarkdownIt from 'markdown-it';

/**
 * Markdown to HTML for articles. Raw HTML in the source is escaped (html: false), and markdown-it's
 * link check refuses javascript:, vbscript:, file: and data: addresses (except images), so an
 * article's author cannot put script in a reader's page.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

// Links leave the help centre without handing it the reader's place, nor the target a way back.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export const renderMarkdown = (body: string) => md.render(body);

/** Text for HTML content and attribute values. */
export const escapeHtml = (text: string) => md.utils.escapeHtml(text);

/** A plain-text excerpt of an article for lists and search results: the first words of its text, read from markdown-it's tokens. */
export function excerpt(body: string, length = 180) {
  const words: string[] = [];
  for (const token of md.parse(body, {})) {
    for (const child of token.type === 'inline' ? (token.children ?? []) : []) {
      if (child.type === 'text' || child.type === 'code_inline') words.push(child.content);
    }
    if (words.join(' ').length > length) break;
  }
  const text = words.join(' ').replace(/\s+/g, ' ').trim();
  return text.length > length ? `${text.slice(0, length).replace(/\s+\S*$/, '')}…` : text;
}
