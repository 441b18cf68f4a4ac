import type { InterestList, MyInterests } from '../../../shared/api/interests.ts';
import type { Executor, Trx } from '../../platform/db/database.ts';
import { recordEvent, type OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import type { Language } from '../../platform/http/locale.ts';
import { InterestsRepository } from './interests.repository.ts';
import { taxonomy } from './taxonomy.ts';

/**
 * How behaviour teaches interests: each action raises the learned weight of the interests it
 * touched (a group's, an activity's), up to LEARNED_CAP so a chosen interest (1) still ranks
 * first. Chosen interests are not changed.
 */
export const LEARNING = { join: 0.2, signup: 0.3, post: 0.05 } as const;
export const LEARNED_CAP = 0.9;

export const syncInterestTaxonomy = (db: Executor) =>
  new InterestsRepository(db).syncTaxonomy(taxonomy);

const pick = (lang: Language, zh: string, en: string) => (lang === 'en' ? en : zh);

/** The bilingual taxonomy and each person's interests. */
export class InterestsService {
  private readonly repo: InterestsRepository;

  constructor(private readonly uow: UnitOfWork) {
    this.repo = new InterestsRepository(uow.db);
  }

  /** Hangs the learning rules on the domain events that carry interests. */
  subscribe(dispatcher: OutboxDispatcher): void {
    const learn = (trx: Trx, userId: string, ids: string[], delta: number) =>
      this.repo.with(trx).learn(userId, ids, delta, LEARNED_CAP, Date.now());
    dispatcher.on('group.member_joined', (e, { trx }) =>
      learn(trx, e.payload.userId, e.payload.interestIds, LEARNING.join),
    );
    dispatcher.on('activity.signed_up', (e, { trx }) =>
      learn(trx, e.payload.userId, e.payload.interestIds, LEARNING.signup),
    );
    dispatcher.on('post.created', async (e, { trx }) => {
      if (!e.payload.held)
        await learn(trx, e.payload.authorId, e.payload.interestIds, LEARNING.post);
    });
  }

  /** Brings the stored taxonomy up to date with the shipped data (at start-up). */
  async syncTaxonomy(): Promise<void> {
    await this.uow.run((trx) => this.repo.with(trx).syncTaxonomy(taxonomy));
    this.lists.clear();
  }

  /**
   * The taxonomy changes only at start-up (`syncTaxonomy`), so each language's list is built
   * once per process and then served from memory.
   */
  private readonly lists = new Map<Language, Promise<InterestList>>();

  list(lang: Language): Promise<InterestList> {
    let list = this.lists.get(lang);
    if (!list) {
      list = this.buildList(lang);
      this.lists.set(lang, list);
      list.catch(() => this.lists.delete(lang));
    }
    return list;
  }

  private async buildList(lang: Language): Promise<InterestList> {
    const rows = await this.repo.listAll();
    const items: InterestList['items'] = [];
    for (const r of rows) {
      let cat = items[items.length - 1];
      if (!cat || cat.id !== r.categoryId) {
        cat = { id: r.categoryId, name: pick(lang, r.categoryZh, r.categoryEn), interests: [] };
        items.push(cat);
      }
      cat.interests.push({ id: r.id, name: pick(lang, r.nameZh, r.nameEn) });
    }
    return { items };
  }

  /** Throws 400 naming the ids that are not interests. */
  async assertExist(ids: string[]): Promise<void> {
    const found = await this.repo.existingIds(ids);
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length) {
      throw invalidInput(`Unknown interest ids: ${unknown.join(', ')}`, { unknown });
    }
  }

  /** A person's interest weights (chosen and learned), for ranking. */
  async weightsOf(userId: string): Promise<{ interestId: string; weight: number }[]> {
    const rows = await this.repo.listForUser(userId);
    return rows.map((r) => ({ interestId: r.id, weight: Number(r.weight) }));
  }

  async getMine(viewer: Viewer, lang: Language): Promise<MyInterests> {
    const rows = await this.repo.listForUser(viewer.userId);
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: pick(lang, r.nameZh, r.nameEn),
        categoryId: r.categoryId,
        weight: Number(r.weight),
        chosen: r.chosen === 1,
      })),
    };
  }

  async setMine(viewer: Viewer, ids: string[], lang: Language): Promise<MyInterests> {
    await this.assertExist(ids);
    await this.uow.run(async (trx) => {
      await this.repo.with(trx).replaceChosen(viewer.userId, ids, Date.now());
      await recordEvent(trx, 'user.interests_changed', { userId: viewer.userId, interestIds: ids });
    });
    return this.getMine(viewer, lang);
  }
}
