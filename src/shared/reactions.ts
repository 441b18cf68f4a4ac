/**
 * The fixed set of reactions. A module without schemas, so the web client can import the values
 * without bundling TypeBox (the schemas in api/forum.ts use it).
 */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;
export type Reaction = (typeof REACTIONS)[number];
