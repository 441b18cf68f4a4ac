/** The groups (forum) module's surface for the rest of the server. */
export { GroupsService } from './groups.service.ts';
export { ForumService, type PostContext } from './forum.service.ts';
export { groupsPolicy, type GroupAccess } from './groups.policy.ts';
export { groupsRoutes } from './groups.routes.ts';
export { forumRoutes } from './forum.routes.ts';
