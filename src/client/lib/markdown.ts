import MarkdownIt from 'markdown-it';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_IMG_SCHEMES,
  ALLOWED_SCHEMES,
  ALLOWED_TAGS,
  ALLOWED_TEXT_ALIGN,
  ALLOWED_LINK_CLASSES,
  MARKDOWN_OPTIONS,
  configureMarkdown,
} from '../../shared/markdown.ts';

/**
 * The editor's preview: the post's Markdown rendered the way the server renders it (the same
 * markdown-it options and link rules, the same allowlist, from src/shared/markdown.ts), so what
 * the preview shows is what the post will show. Only the editor imports this, and only when the
 * preview is first opened, so markdown-it never reaches the first screen's bundle.
 */
const md = configureMarkdown(new MarkdownIt(MARKDOWN_OPTIONS));

const TAGS = new Set(ALLOWED_TAGS);
/** Dropped together with their content (as sanitize-html does); other unknown tags keep their text. */
const DROP_WITH_CONTENT = new Set(['script', 'style', 'textarea', 'option', 'noscript', 'iframe']);

function schemeAllowed(url: string, schemes: string[]): boolean {
  const m = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!m) return !/^\s*\/\//.test(url); // relative is fine, protocol-relative is not
  return schemes.includes(m[1]!.toLowerCase());
}

function clean(parent: ParentNode): void {
  for (const node of [...parent.childNodes]) {
    if (node.nodeType === Node.COMMENT_NODE) {
      node.remove();
      continue;
    }
    if (!(node instanceof Element)) continue;
    const tag = node.localName;
    if (!TAGS.has(tag)) {
      if (DROP_WITH_CONTENT.has(tag)) node.remove();
      else {
        clean(node);
        node.replaceWith(...node.childNodes);
      }
      continue;
    }
    const allowed = ALLOWED_ATTRIBUTES[tag] ?? [];
    for (const attr of [...node.attributes]) {
      const name = attr.name.toLowerCase();
      const ok =
        allowed.includes(name) &&
        (name !== 'href' || schemeAllowed(attr.value, ALLOWED_SCHEMES)) &&
        (name !== 'src' || schemeAllowed(attr.value, ALLOWED_IMG_SCHEMES)) &&
        (name !== 'class' || ALLOWED_LINK_CLASSES.includes(attr.value)) &&
        (name !== 'style' || /^text-align:\s*([a-z]+);?$/i.test(attr.value.trim()));
      if (!ok) node.removeAttribute(attr.name);
      else if (name === 'style') {
        const align = /^text-align:\s*([a-z]+)/i.exec(attr.value.trim())?.[1] ?? '';
        if (!ALLOWED_TEXT_ALIGN.test(align)) node.removeAttribute(attr.name);
      }
    }
    clean(node);
  }
}

/** Markdown → the same safe HTML the server would store as `bodyHtml` (without mention links). */
export function renderPreview(body: string): string {
  // A <template>'s content is inert: nothing in it runs or loads while it is cleaned.
  const template = document.createElement('template');
  template.innerHTML = md.render(body);
  clean(template.content);
  return template.innerHTML;
}
