/** The interests module's surface for the rest of the server. */
export { InterestsService } from './interests.service.ts';
export { interestsRoutes } from './interests.routes.ts';
export { taxonomy } from './taxonomy.ts';
