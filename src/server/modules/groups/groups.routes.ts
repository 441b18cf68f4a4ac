import { Type } from 'typebox';
import { IdParams } from '../../../shared/api/common.ts';
import {
  BanBody,
  ChangeRoleBody,
  CreateGroupBody,
  Group,
  GroupListQuery,
  JoinBody,
  JoinResponse,
  Member,
  MemberListQuery,
  MemberParams,
  MemberResponse,
  TransferBody,
  UpdateGroupBody,
} from '../../../shared/api/groups.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { GroupsService } from './groups.service.ts';

/** Groups and membership. */
export function groupsRoutes(app: App, opts: { groups: GroupsService }): void {
  const { groups } = opts;
  const tags = ['groups'];
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/groups',
    {
      schema: {
        tags,
        summary:
          'Find groups by interest, city and text; sort by activity, new, or match with my interests',
        querystring: GroupListQuery,
        response: { 200: Page(Group) },
      },
    },
    (req) => groups.list(req.viewer, req.query, req.query.limit ?? DEFAULT_PAGE_SIZE),
  );

  app.post(
    '/api/v1/groups',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Create a group; I become its owner',
        body: CreateGroupBody,
        response: { 201: Group },
      },
    },
    async (req, reply) => reply.code(201).send(await groups.create(requireViewer(req), req.body)),
  );

  app.get(
    '/api/v1/groups/:id',
    { schema: { tags, summary: 'A group', params: IdParams, response: { 200: Group } } },
    (req) => groups.get(req.params.id, req.viewer),
  );

  app.patch(
    '/api/v1/groups/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Change a group (admins): details, visibility, slow mode, word filter',
        params: IdParams,
        body: UpdateGroupBody,
        response: { 200: Group },
      },
    },
    (req) => groups.update(req.params.id, requireViewer(req), req.body),
  );

  app.post(
    '/api/v1/groups/:id/join',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Join: public groups at once, approval groups by request',
        params: IdParams,
        body: JoinBody,
        response: { 200: JoinResponse },
      },
    },
    (req) => groups.join(req.params.id, requireViewer(req), req.body?.message),
  );

  app.post(
    '/api/v1/groups/:id/leave',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Leave (or withdraw a join request)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await groups.leave(req.params.id, requireViewer(req));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/groups/:id/members',
    {
      schema: {
        tags,
        summary: 'Members with roles; status=pending (admins) and banned (moderators)',
        params: IdParams,
        querystring: MemberListQuery,
        response: { 200: Page(Member) },
      },
    },
    (req) =>
      groups.listMembers(
        req.params.id,
        req.viewer,
        req.query.status ?? 'member',
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/groups/:id/members/:userId/approve',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Approve a join request (admins)',
        params: MemberParams,
        response: { 200: MemberResponse },
      },
    },
    (req) => groups.answerRequest(req.params.id, requireViewer(req), req.params.userId, true),
  );

  app.post(
    '/api/v1/groups/:id/members/:userId/reject',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Reject a join request (admins)',
        params: MemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await groups.answerRequest(req.params.id, requireViewer(req), req.params.userId, false);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/groups/:id/members/:userId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Promote or demote a member (owner: admins; admins: moderators)',
        params: MemberParams,
        body: ChangeRoleBody,
        response: { 200: MemberResponse },
      },
    },
    (req) => groups.changeRole(req.params.id, requireViewer(req), req.params.userId, req.body.role),
  );

  app.delete(
    '/api/v1/groups/:id/members/:userId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Remove a member (moderators, on lower roles)',
        params: MemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await groups.removeMember(req.params.id, requireViewer(req), req.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/groups/:id/bans',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Ban someone: they cannot rejoin, read an approval group or post (moderators)',
        params: IdParams,
        body: BanBody,
        response: { 200: MemberResponse },
      },
    },
    (req) =>
      groups.ban(
        req.params.id,
        requireViewer(req),
        req.body.userId,
        req.body.reason?.trim() || null,
      ),
  );

  app.delete(
    '/api/v1/groups/:id/bans/:userId',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Lift a ban (moderators)',
        params: MemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await groups.unban(req.params.id, requireViewer(req), req.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/groups/:id/transfer',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Hand the group to another member (owner); I become an admin',
        params: IdParams,
        body: TransferBody,
        response: { 200: MemberResponse },
      },
    },
    (req) => groups.transferOwnership(req.params.id, requireViewer(req), req.body.userId),
  );
}
