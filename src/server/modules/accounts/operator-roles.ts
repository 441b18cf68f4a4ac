import type { Executor } from '../../platform/db/database.ts';
import { AccountsRepository } from './accounts.repository.ts';

/**
 * Who is an operator, for `npm run operator` (modules/operator/operator-cli.ts), which works on
 * the database without the services: accounts owns its table, so the CLI asks these.
 */
export const listOperators = (db: Executor) => new AccountsRepository(db).listByRole('operator');

export type RoleChange =
  { outcome: 'no_such_user' } | { outcome: 'unchanged' | 'changed'; username: string };

/** Makes `username` an operator (`operator`) or a plain user again (`user`). */
export async function setRole(
  db: Executor,
  username: string,
  role: 'operator' | 'user',
  now = Date.now(),
): Promise<RoleChange> {
  const repo = new AccountsRepository(db);
  const user = await repo.findUserByUsername(username);
  if (!user) return { outcome: 'no_such_user' };
  if (user.role === role) return { outcome: 'unchanged', username: user.username };
  await repo.setRole(user.id, role, now);
  return { outcome: 'changed', username: user.username };
}
