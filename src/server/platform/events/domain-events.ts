/**
 * Every domain event a module may record in the outbox, with its payload. Handlers subscribe
 * by name and get the payload typed from this map.
 */
export interface DomainEventMap {
  'user.registered': { userId: string };
  'user.blocked': { blockerId: string; blockedId: string };
  'user.unblocked': { blockerId: string; blockedId: string };
  'user.interests_changed': { userId: string; interestIds: string[] };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  payload: DomainEventMap[T];
  createdAt: number;
}
