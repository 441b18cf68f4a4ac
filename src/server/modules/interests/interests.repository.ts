import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { TaxonomyCategory } from './taxonomy.ts';

/** SQL for the taxonomy and people's interest weights. */
export class InterestsRepository {
  constructor(private readonly db: Executor) {}

  with(db: Executor): InterestsRepository {
    return new InterestsRepository(db);
  }

  /** Inserts new categories and interests and refreshes names; never deletes (ids are stable). */
  async syncTaxonomy(taxonomy: TaxonomyCategory[]): Promise<void> {
    const categories = taxonomy.map((c, position) => ({
      id: c.id,
      nameZh: c.zh,
      nameEn: c.en,
      position,
    }));
    const interests = taxonomy.flatMap((c) =>
      c.interests.map(([id, zh, en], position) => ({
        id,
        categoryId: c.id,
        nameZh: zh,
        nameEn: en,
        position,
      })),
    );
    await this.db
      .insertInto('interestCategories')
      .values(categories)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          nameZh: eb.ref('excluded.nameZh'),
          nameEn: eb.ref('excluded.nameEn'),
          position: eb.ref('excluded.position'),
        })),
      )
      .execute();
    await this.db
      .insertInto('interests')
      .values(interests)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          categoryId: eb.ref('excluded.categoryId'),
          nameZh: eb.ref('excluded.nameZh'),
          nameEn: eb.ref('excluded.nameEn'),
          position: eb.ref('excluded.position'),
        })),
      )
      .execute();
  }

  /** Every interest with its category, in taxonomy order (one query). */
  listAll() {
    return this.db
      .selectFrom('interests')
      .innerJoin('interestCategories as c', 'c.id', 'interests.categoryId')
      .select([
        'c.id as categoryId',
        'c.nameZh as categoryZh',
        'c.nameEn as categoryEn',
        'interests.id',
        'interests.nameZh',
        'interests.nameEn',
      ])
      .orderBy('c.position')
      .orderBy('interests.position')
      .execute();
  }

  async existingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('interests')
      .select('id')
      .where('id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  listForUser(userId: string) {
    return this.db
      .selectFrom('userInterests as ui')
      .innerJoin('interests as i', 'i.id', 'ui.interestId')
      .select(['i.id', 'i.nameZh', 'i.nameEn', 'i.categoryId', 'ui.weight', 'ui.chosen'])
      .where('ui.userId', '=', userId)
      .orderBy('ui.weight', 'desc')
      .orderBy('i.id')
      .execute();
  }

  /**
   * Makes `ids` the person's chosen interests: they get weight 1; interests no longer chosen are
   * dropped. Learned (unchosen) interests are kept.
   */
  async replaceChosen(userId: string, ids: string[], now: number): Promise<void> {
    await this.db
      .deleteFrom('userInterests')
      .where('userId', '=', userId)
      .where('chosen', '=', 1)
      .$if(ids.length > 0, (q) => q.where('interestId', 'not in', ids))
      .execute();
    if (ids.length === 0) return;
    await this.db
      .insertInto('userInterests')
      .values(
        ids.map((interestId) => ({ userId, interestId, weight: 1, chosen: 1, updatedAt: now })),
      )
      .onConflict((oc) =>
        oc.columns(['userId', 'interestId']).doUpdateSet({ weight: 1, chosen: 1, updatedAt: now }),
      )
      .execute();
  }

  /**
   * Raises learned weights by `delta`, capped at `cap`; chosen interests (weight 1) are left
   * alone. One upsert, portable to both databases (CASE instead of LEAST/min).
   */
  async learn(userId: string, interestIds: string[], delta: number, cap: number, now: number) {
    if (interestIds.length === 0) return;
    await this.db
      .insertInto('userInterests')
      .values(
        interestIds.map((interestId) => ({
          userId,
          interestId,
          weight: Math.min(cap, delta),
          chosen: 0,
          updatedAt: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['userId', 'interestId']).doUpdateSet({
          weight: sql<number>`case when ${sql.ref('userInterests.chosen')} = 1 then ${sql.ref('userInterests.weight')} when ${sql.ref('userInterests.weight')} + ${delta} > ${cap} then ${cap} else ${sql.ref('userInterests.weight')} + ${delta} end`,
          updatedAt: now,
        }),
      )
      .execute();
  }
}
