import type MarkdownIt from 'markdown-it';

/**
 * How a post's Markdown becomes HTML, shared by the server (which renders and stores `bodyHtml`)
 * and the web client's editor preview, so the preview shows what the post will look like.
 * The mention links are the server's alone (they need to know who exists).
 */

/** Links may only lead to the web or to e-mail; anything else (javascript:, data:, …) is dropped. */
export const SAFE_LINK = /^(https?:|mailto:)/i;

/** Raw HTML is never passed through: it shows as text. */
export const MARKDOWN_OPTIONS = { html: false, linkify: true, breaks: true } as const;

/** Safe-link validation and `rel`/`target` on links, applied to a markdown-it instance. */
export function configureMarkdown(md: MarkdownIt): MarkdownIt {
  md.validateLink = (url) => SAFE_LINK.test(url.trim());
  const defaultLinkOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, opts, _env, self) => self.renderToken(tokens, idx, opts));
  md.renderer.rules.link_open = (tokens, idx, opts, env, self) => {
    const token = tokens[idx]!;
    if (!token.attrGet('class')) {
      token.attrSet('rel', 'nofollow noopener noreferrer ugc');
      token.attrSet('target', '_blank');
    }
    return defaultLinkOpen(tokens, idx, opts, env, self);
  };
  return md;
}

/**
 * The allowlist the rendered HTML is filtered through (defence in depth: markdown-it with raw
 * HTML off already escapes everything).
 */
export const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  's',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'img',
];
export const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'rel', 'target', 'class'],
  img: ['src', 'alt', 'title'],
  ol: ['start'],
  th: ['style'],
  td: ['style'],
};
/** URL schemes allowed in `href` (and, for images, in `src`). */
export const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];
export const ALLOWED_IMG_SCHEMES = ['http', 'https'];
export const ALLOWED_TEXT_ALIGN = /^(left|right|center)$/;
/** The only class a link may carry. */
export const ALLOWED_LINK_CLASSES = ['mention'];
