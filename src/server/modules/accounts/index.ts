/** The accounts module's surface for the rest of the server. */
export {
  CHECK_IN_FLIGHT_LOCK_MS,
  AccountsService,
  toPublicProfile,
  type Session,
  type SiteBanView,
  type UserSummary,
} from './accounts.service.ts';
export { accountsRoutes } from './accounts.routes.ts';
/** For the operator CLI, which works on the database without the services. */
export { AccountsRepository } from './accounts.repository.ts';
export { hashSecret, verifySecret } from './password.ts';
