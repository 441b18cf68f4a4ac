import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import sanitizeHtml from 'sanitize-html';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_IMG_SCHEMES,
  ALLOWED_LINK_CLASSES,
  ALLOWED_SCHEMES,
  ALLOWED_TAGS,
  ALLOWED_TEXT_ALIGN,
  MARKDOWN_OPTIONS,
  configureMarkdown,
} from '../../../shared/markdown.ts';

const MENTION = /(^|[^A-Za-z0-9_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;

// The options, link rules and allowlist are shared with the web client's editor preview.
const md = configureMarkdown(new MarkdownIt(MARKDOWN_OPTIONS));

interface RenderEnv {
  /** Lower-cased username → canonical username, for the @mentions that resolved to people. */
  mentions?: Map<string, string>;
}

// @mentions of known people become links to their profile. Done on the token stream, so text
// inside code spans and blocks is left alone.
md.core.ruler.push('mentions', (state) => {
  const known = (state.env as RenderEnv).mentions;
  if (!known?.size) return;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: Token[] = [];
    let insideLink = 0;
    for (const tok of block.children) {
      if (tok.type === 'link_open') insideLink++;
      if (tok.type === 'link_close') insideLink--;
      if (tok.type !== 'text' || insideLink > 0) {
        out.push(tok);
        continue;
      }
      let last = 0;
      const text = tok.content;
      for (const m of text.matchAll(MENTION)) {
        const canonical = known.get(m[2]!.toLowerCase());
        if (!canonical) continue;
        const at = m.index + m[1]!.length;
        if (at > last) out.push(textToken(state, text.slice(last, at)));
        const open = new state.Token('link_open', 'a', 1);
        open.attrs = [
          ['href', `/u/${encodeURIComponent(canonical)}`],
          ['class', 'mention'],
        ];
        out.push(open, textToken(state, `@${canonical}`), new state.Token('link_close', 'a', -1));
        last = at + 1 + m[2]!.length;
      }
      if (last === 0) out.push(tok);
      else if (last < text.length) out.push(textToken(state, text.slice(last)));
    }
    block.children = out;
  }
});

function textToken(state: { Token: typeof Token }, content: string): Token {
  const t = new state.Token('text', '', 0);
  t.content = content;
  return t;
}

/**
 * Defence in depth: markdown-it with raw HTML off already escapes everything, and this allowlist
 * would strip anything executable that a future change let through.
 */
const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedStyles: { '*': { 'text-align': [ALLOWED_TEXT_ALIGN] } },
  allowedSchemes: ALLOWED_SCHEMES,
  allowedSchemesByTag: { img: ALLOWED_IMG_SCHEMES },
  allowProtocolRelative: false,
  allowedClasses: { a: ALLOWED_LINK_CLASSES },
};

/** Markdown → safe HTML; `mentions` maps lower-cased usernames to their canonical spelling. */
export function renderMarkdown(body: string, mentions?: Map<string, string>): string {
  return sanitizeHtml(md.render(body, { mentions } satisfies RenderEnv), sanitizeOptions);
}

/** The usernames a body @mentions, lower-cased, outside code. */
export function extractMentions(body: string): string[] {
  const withoutCode = body.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const names = new Set<string>();
  for (const m of withoutCode.matchAll(MENTION)) names.add(m[2]!.toLowerCase());
  return [...names].slice(0, 20);
}

/** The longest excerpt stored with a post (`posts.excerpt`). */
export const EXCERPT_CHARS = 140;

/** The whole plain text of a body, whitespace collapsed. */
export function plainText(body: string): string {
  return sanitizeHtml(md.render(body), { allowedTags: [], allowedAttributes: {} })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Plain text of a body, for excerpts and notifications. */
export function plainExcerpt(body: string, max = EXCERPT_CHARS): string {
  return shortenExcerpt(plainText(body), max);
}

/**
 * Cuts an excerpt to `max` characters (ending in …). A stored excerpt cut again gives what
 * `plainExcerpt(body, max)` gives, since both keep the same leading characters.
 */
export function shortenExcerpt(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
