/** The accounts module's surface for the rest of the server. */
export { AccountsService, toPublicProfile, type Session } from './accounts.service.ts';
export { accountsRoutes } from './accounts.routes.ts';
