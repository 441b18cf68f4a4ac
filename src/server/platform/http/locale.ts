import type { FastifyRequest } from 'fastify';

export type Language = 'zh-CN' | 'en';

/**
 * Picks zh-CN or en from an Accept-Language header by q-value; zh-CN when nothing matches.
 * Small enough that a library would add more than it saves.
 */
export function pickLanguage(header: string | undefined): Language {
  if (!header) return 'zh-CN';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return 'zh-CN';
}

export const requestLanguage = (req: FastifyRequest): Language =>
  pickLanguage(req.headers['accept-language']);
