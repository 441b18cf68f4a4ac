/** The accounts module's surface for the rest of the server. */
export {
  AccountsService,
  toPublicProfile,
  type Session,
  type UserSummary,
} from './accounts.service.ts';
export { accountsRoutes } from './accounts.routes.ts';
export { hashSecret, verifySecret } from './password.ts';
