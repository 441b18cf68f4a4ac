import { Type, type Static } from 'typebox';
import { FORBIDDEN_CHARS, Id, IsoTime, Text } from './common.ts';

export const USERNAME_PATTERN = '^[A-Za-z0-9_]{3,32}$';

export const Username = Type.String({
  minLength: 3,
  maxLength: 32,
  pattern: USERNAME_PATTERN,
  description: '3–32 letters, digits or underscores; unique regardless of case',
});
/** Passwords are hashed and never stored or shown, so any characters are accepted. */
export const Password = Type.String({ minLength: 8, maxLength: 128 });
export const DisplayName = Text({ minLength: 1, maxLength: 40 });

export const RegisterBody = Type.Object({
  username: Username,
  password: Password,
  displayName: DisplayName,
});
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  username: Text({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 128 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const UserSummary = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
});

export const AuthResponse = Type.Object({ token: Type.String(), user: UserSummary });
export type AuthResponse = Static<typeof AuthResponse>;

export const PublicProfile = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  bio: Type.String(),
  homeCity: Type.Union([Type.String(), Type.Null()]),
});
export type PublicProfile = Static<typeof PublicProfile>;

export const Locale = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);

export const MessagePolicy = Type.Union(
  [Type.Literal('everyone'), Type.Literal('groups'), Type.Literal('nobody')],
  { description: 'who may start a conversation with me: everyone, people in my groups, nobody' },
);

export const Me = Type.Object({
  ...PublicProfile.properties,
  locale: Locale,
  role: Type.Union([Type.Literal('user'), Type.Literal('operator')]),
  messagePolicy: MessagePolicy,
  createdAt: IsoTime,
});
export type Me = Static<typeof Me>;

export const UpdateMeBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    avatarUrl: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 500, pattern: `^https?://[^\\s${FORBIDDEN_CHARS}]+$` }),
        Type.Null(),
      ]),
    ),
    bio: Type.Optional(Text({ maxLength: 500, multiline: true })),
    homeCity: Type.Optional(Type.Union([Text({ minLength: 1, maxLength: 40 }), Type.Null()])),
    locale: Type.Optional(Locale),
    messagePolicy: Type.Optional(MessagePolicy),
  },
  { minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const BlockResponse = Type.Object({ userId: Id, blocked: Type.Boolean() });

export const BlockedUser = Type.Object({ user: UserSummary, blockedAt: IsoTime });
