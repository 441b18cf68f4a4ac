import type { InterestList, MyInterests } from '../../../shared/api/interests.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import type { Language } from '../../platform/http/locale.ts';
import { InterestsRepository } from './interests.repository.ts';
import { taxonomy } from './taxonomy.ts';

const pick = (lang: Language, zh: string, en: string) => (lang === 'en' ? en : zh);

/** The bilingual taxonomy and each person's interests. */
export class InterestsService {
  private readonly repo: InterestsRepository;

  constructor(private readonly uow: UnitOfWork) {
    this.repo = new InterestsRepository(uow.db);
  }

  /** Brings the stored taxonomy up to date with the shipped data (at start-up). */
  syncTaxonomy(): Promise<void> {
    return this.uow.run((trx) => this.repo.with(trx).syncTaxonomy(taxonomy));
  }

  async list(lang: Language): Promise<InterestList> {
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
