/** The accounts module's surface for the rest of the server. */
export {
  CHECK_IN_FLIGHT_LOCK_MS,
  AccountsService,
  toPublicProfile,
  type Session,
  type UserSummary,
} from './accounts.service.ts';
export { accountsRoutes } from './accounts.routes.ts';
export { hashSecret, verifySecret } from './password.ts';
