import { Type } from 'typebox';
import { Thread } from './forum.ts';
import { Activity } from './activities.ts';
import { Group } from './groups.ts';
import { Cursor, Text } from './common.ts';

export const SearchQuery = Type.Object({
  q: Text({ minLength: 1, maxLength: 100 }),
  type: Type.Union([Type.Literal('groups'), Type.Literal('threads'), Type.Literal('activities')], {
    description: 'what to search',
  }),
  groupId: Type.Optional(Text({ maxLength: 64, description: 'threads: only this group' })),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});

export const SearchHit = Type.Union([
  Type.Object({ type: Type.Literal('group'), snippet: Type.String(), group: Group }),
  Type.Object({ type: Type.Literal('thread'), snippet: Type.String(), thread: Thread }),
  Type.Object({ type: Type.Literal('activity'), snippet: Type.String(), activity: Activity }),
]);
