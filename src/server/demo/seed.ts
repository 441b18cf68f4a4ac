import { AppError } from '../platform/http/errors.ts';
import type { Services } from '../services.ts';
import { DEMO_PASSWORD, demoUsers } from './users.ts';

/**
 * Creates the demo data through the services (so it obeys the same rules as real use), only
 * into an empty database. Returns false when there was already data.
 */
export async function seedDemoData(services: Services): Promise<boolean> {
  if ((await services.accounts.countUsers()) > 0) return false;
  for (const u of demoUsers) {
    let session;
    try {
      session = await services.accounts.register({
        username: u.username,
        password: DEMO_PASSWORD,
        displayName: u.displayName,
      });
    } catch (err) {
      // Another process started at the same moment and is seeding: leave it to that one.
      if (err instanceof AppError && err.code === 'username_taken') return false;
      throw err;
    }
    const viewer = { userId: session.user.id, role: 'user' as const, sessionId: '' };
    await services.accounts.updateMe(viewer, { homeCity: u.homeCity, bio: u.bio });
    await services.interests.setMine(viewer, [...u.interests], 'zh-CN');
  }
  return true;
}
