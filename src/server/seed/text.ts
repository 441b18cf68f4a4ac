import {
  EXCERPT_CHARS,
  plainText,
  renderMarkdown,
  shortenExcerpt,
} from '../modules/groups/index.ts';
import { tokenizeForIndex } from '../modules/search/index.ts';
import { taxonomy } from '../modules/interests/index.ts';
import { Rng } from './random.ts';
import { DISTRICTS, shortName } from './shanghai.ts';
import { DAYS, PRICES, TIMES, WEATHER, topicOf, type Topic } from './words-topics.ts';

/**
 * Natural Chinese (and some English) text from word lists, per interest: group names and
 * descriptions, thread titles, post bodies in Markdown, activity titles and descriptions.
 *
 * Post bodies are made of pre-rendered fragments (paragraphs, a list, short replies): Markdown
 * of blocks separated by a blank line renders to the concatenation of the blocks' HTML (as long
 * as two lists never follow each other, which would merge them), and their search tokens are the
 * concatenation of the blocks' tokens, so a million bodies need only a few thousand renders.
 */
export interface Fragment {
  md: string;
  html: string;
  tokens: string;
  /** Its plain text (`plainText`), for the post's stored excerpt. */
  text: string;
}

export interface Body {
  body: string;
  html: string;
  tokens: string;
  /** What the app stores in posts.excerpt: `plainExcerpt(body)`. */
  excerpt: string;
}

const SENTENCES = [
  '{day}{time}在{p}集合，{v}大概{hours}个小时，结束后一起吃饭。',
  '上次去{p}{v}，人不多，体验很好，推荐给大家。',
  '建议带上{g}，{g2}也可以备一个，以防万一。',
  '新手也可以来，我们会照顾节奏，不用担心跟不上。',
  '有没有住在{d}的朋友，可以一起拼车过去。',
  '费用 AA，大概每人{money}元，多退少补。',
  '我{v}有{years}年了，最大的感受是坚持比什么都重要。',
  '{p}那边最近在修路，大家注意绕行，地铁过去更方便。',
  '拍了几张照片放在下面，欢迎大家交流。',
  '有问题可以在帖子里留言，我看到会回复。',
  '个人觉得{g}比{g2}更实用一些，当然看个人习惯。',
  '天气预报说{weather}，大家注意安全，量力而行。',
  '第一次参加的朋友可以先加群，看看之前的活动记录。',
  '{d}这边{v}的人越来越多了，希望能认识更多同好。',
  '这次一共来了{n}个人，比想象中热闹。',
  '周末{v}已经成了习惯，工作日的压力一下子就没了。',
  '关于{g}，我的经验是先买入门款，用熟了再升级。',
  '如果下雨就改到下周，具体看群里通知。',
  '{x}真的是一个能让人放松下来的爱好。',
  '欢迎带朋友一起来，人多更热闹。',
];

const ENGLISH = [
  'Had a great time {en} at {p} last weekend, thanks everyone!',
  'Anyone up for {en} this Saturday? Beginners welcome.',
  'New to Shanghai and looking for people who enjoy {en}.',
];

const REPLIES = [
  '+1，算我一个！',
  '同求推荐',
  '感谢分享，收藏了',
  '请问新手能参加吗？',
  '{day}我可以，{d}出发',
  '上次{v}真的很开心，期待下次',
  '支持一下 👍',
  '楼主说得对，{g}真的很重要',
  '哈哈哈，太真实了',
  '我也在{d}，可以一起',
  '已报名，到时候见',
  '马克一下，回头细看',
  '这个价格挺合适的',
  '请问{p}附近好停车吗？',
  '同问 +1',
  'Count me in!',
  '谢谢楼主整理，太有用了',
  '{g}有推荐的牌子吗？',
  '照片拍得真好！',
  '下次{v}记得叫上我',
  '我去过{p}，风景确实不错',
  '{weather}的话还去吗？',
  '好久没{v}了，这周一定来',
  '刚入坑{x}，多多指教',
];

const TITLES = [
  '{day}{p}{v}，有人一起吗？',
  '新手求问：{x}需要准备什么？',
  '分享一下最近{v}的照片',
  '{d}附近有适合{v}的地方推荐吗',
  '第一次{v}，记录一下',
  '{g}推荐（预算{money}以内）',
  '【约】{day}{d}{v}，还差{n}人',
  '大家平时{v}多久一次？',
  '{p}{v}攻略：路线、交通和注意事项',
  '关于{x}的一些心得',
  '{v}遇到的坑，给后来的朋友提个醒',
  '{day}{v}活动回顾',
  '求助：{g}怎么选？',
  '{x}一年，聊聊我的变化',
];

const GROUP_SUFFIX = ['群', '小组', '俱乐部', '爱好者', '同好会', '约伴群', '交流群', '社'];
const GROUP_NAMES = [
  '{d}{x}{s}',
  '上海{x}{s}',
  '魔都{x}{s}',
  '{d}周末{v}{s}',
  '{d}{x}新手{s}',
  '上海{v}搭子{s}',
];

const ACTIVITY_TITLES = [
  '{day}{p}{v}',
  '{x}新手体验',
  '【{d}】{x}夜场',
  '{p}{v} · {n}人小队',
  '{x}交流会',
  '{d}{x}周末局',
  '一起{v}：{p}',
];

export interface InterestInfo {
  id: string;
  zh: string;
  en: string;
  categoryId: string;
}

export const INTERESTS: InterestInfo[] = taxonomy.flatMap((c) =>
  c.interests.map(([id, zh, en]) => ({ id, zh, en, categoryId: c.id })),
);
const BY_ID = new Map(INTERESTS.map((i) => [i.id, i]));

const LANDMARKS = DISTRICTS.flatMap((d) => d.landmarks.map((l) => l[0]));

class Filler {
  constructor(
    private readonly rng: Rng,
    private readonly interest: InterestInfo,
    private readonly topic: Topic,
  ) {}

  fill(template: string, extra: Record<string, string> = {}): string {
    const r = this.rng;
    const things = this.topic.things;
    return template.replace(/\{(\w+)\}/g, (_, k: string) => {
      if (k in extra) return extra[k]!;
      switch (k) {
        case 'x':
          return this.interest.zh;
        case 'en':
          return this.interest.en.toLowerCase();
        case 'v':
          return r.pick(this.topic.verbs);
        case 'g':
          return r.pick(things);
        case 'g2':
          return r.pick(things);
        case 'p':
          return r.pick(LANDMARKS);
        case 'd':
          return shortName(r.pick(DISTRICTS));
        case 'day':
          return r.pick(DAYS);
        case 'time':
          return r.pick(TIMES);
        case 'money':
          return r.pick(PRICES);
        case 'weather':
          return r.pick(WEATHER);
        case 'n':
          return String(r.int(2, 12));
        case 'years':
          return String(r.int(1, 10));
        case 'hours':
          return String(r.int(2, 6));
        case 's':
          return r.pick(GROUP_SUFFIX);
        default:
          return k;
      }
    });
  }
}

function fragment(md: string): Fragment {
  return {
    md,
    html: renderMarkdown(md),
    tokens: tokenizeForIndex(md).join(' '),
    text: plainText(md),
  };
}

/** Pre-rendered fragments of one interest's posts. */
class Pool {
  readonly paras: Fragment[] = [];
  readonly lists: Fragment[] = [];
  readonly replies: Fragment[] = [];

  constructor(f: Filler, rng: Rng, size: number) {
    for (let i = 0; i < size; i++) {
      const n = rng.int(1, 3);
      let text = Array.from({ length: n }, () => f.fill(rng.pick(SENTENCES))).join('');
      if (rng.chance(0.25)) text = text.replace(/^([^，。]+)/, '**$1**');
      if (rng.chance(0.05)) text = f.fill(rng.pick(ENGLISH));
      if (rng.chance(0.08)) text = `> ${text}`;
      this.paras.push(fragment(text));
    }
    for (let i = 0; i < Math.ceil(size / 8); i++) {
      const head = rng.chance(0.5)
        ? `### ${rng.pick(['注意事项', '装备清单', '行程安排', '小贴士'])}`
        : '';
      const items = Array.from({ length: rng.int(2, 4) }, () => `- ${f.fill('{g}')}`).join('\n');
      this.lists.push(fragment(head ? `${head}\n\n${items}` : items));
    }
    for (let i = 0; i < size / 2; i++) this.replies.push(fragment(f.fill(rng.pick(REPLIES))));
  }
}

// Blocks render to separate HTML blocks, so the body's plain text is the blocks' texts joined
// by whitespace, which the excerpt collapses to one space.
const join = (parts: Fragment[]): Body => ({
  body: parts.map((p) => p.md).join('\n\n'),
  html: parts.map((p) => p.html).join(''),
  tokens: parts.map((p) => p.tokens).join(' '),
  excerpt: shortenExcerpt(
    parts
      .map((p) => p.text)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim(),
    EXCERPT_CHARS,
  ),
});

/** Text for one seed: every generator draws from the caller's stream, pools from their own. */
export class TextMaker {
  private readonly pools = new Map<string, Pool>();

  /** `poolSize`: paragraphs per interest (replies: half as many), more for bigger data sets. */
  constructor(
    private readonly seed: number,
    private readonly poolSize = 400,
  ) {}

  interest(id: string): InterestInfo {
    return BY_ID.get(id)!;
  }

  topic(id: string): Topic {
    return topicOf(id, this.interest(id).categoryId);
  }

  private filler(rng: Rng, interestId: string) {
    return new Filler(rng, this.interest(interestId), this.topic(interestId));
  }

  private pool(interestId: string): Pool {
    let p = this.pools.get(interestId);
    if (!p) {
      const rng = Rng.for(this.seed, `text:${interestId}`);
      p = new Pool(this.filler(rng, interestId), rng, this.poolSize);
      this.pools.set(interestId, p);
    }
    return p;
  }

  groupName(rng: Rng, interestId: string): string {
    const f = this.filler(rng, interestId);
    if (rng.chance(0.04)) return `Shanghai ${this.interest(interestId).en} Club`;
    return f.fill(rng.pick(GROUP_NAMES));
  }

  groupDescription(rng: Rng, interestId: string, districtShort: string | null): string {
    const f = this.filler(rng, interestId);
    const where = districtShort ? `${districtShort}及周边` : '线上线下';
    return [
      `${where}的${this.interest(interestId).zh}爱好者聚集地。`,
      f.fill(rng.pick(SENTENCES)),
      rng.pick(['新人请先看置顶帖。', '禁止广告，友善交流。', '活动信息以群内通知为准。', '']),
    ].join('');
  }

  threadTitle(rng: Rng, interestId: string): string {
    const f = this.filler(rng, interestId);
    if (rng.chance(0.03)) return f.fill('Weekend {en} meetup at {p}?');
    return f.fill(rng.pick(TITLES));
  }

  /** An opening post: one to three blocks, at most one of them a list. */
  openingBody(rng: Rng, interestId: string): Body {
    const p = this.pool(interestId);
    const parts = [rng.pick(p.paras)];
    if (rng.chance(0.35)) parts.push(rng.pick(p.lists));
    if (rng.chance(0.6)) parts.push(rng.pick(p.paras));
    return join(parts);
  }

  replyBody(rng: Rng, interestId: string): Body {
    const p = this.pool(interestId);
    const x = rng.next();
    if (x < 0.7) return join([rng.pick(p.replies)]);
    if (x < 0.95) return join([rng.pick(p.paras)]);
    return join([rng.pick(p.replies), rng.pick(p.paras)]);
  }

  activityTitle(rng: Rng, interestId: string, place: string): string {
    return this.filler(rng, interestId).fill(rng.pick(ACTIVITY_TITLES), { p: place });
  }

  /**
   * Markdown and its HTML: two paragraphs of the interest's pool, where and what it costs (few
   * distinct lines, each rendered once), sometimes a list.
   */
  activityDescription(
    rng: Rng,
    interestId: string,
    venue: string,
    priceFen: number,
  ): { md: string; html: string } {
    const p = this.pool(interestId);
    const f = this.filler(rng, interestId);
    const cost =
      priceFen > 0
        ? `**费用**：${(priceFen / 100).toFixed(0)} 元/人，含${f.fill('{g}')}。`
        : '**费用**：免费，AA 自理餐饮。';
    const blocks = [
      rng.pick(p.paras),
      rng.pick(p.paras),
      this.block(`**集合地点**：${venue}`),
      this.block(cost),
    ];
    if (rng.chance(0.4)) blocks.push(rng.pick(p.lists));
    return { md: blocks.map((b) => b.md).join('\n\n'), html: blocks.map((b) => b.html).join('') };
  }

  private readonly rendered = new Map<string, string>();

  private block(md: string): Fragment {
    const html = this.rendered.get(md) ?? renderMarkdown(md);
    if (this.rendered.size < 100_000) this.rendered.set(md, html);
    return { md, html, tokens: '', text: '' };
  }

  bio(rng: Rng, interestId: string, template: string, district: string): string {
    return this.filler(rng, interestId).fill(template, { d: district });
  }
}
