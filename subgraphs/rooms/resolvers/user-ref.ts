// Users are identity's entities: rooms returns references only, and the
// gateway resolves a whole page of them in one batch.
export const userRef = (id: string) => ({ __typename: 'User' as const, id });
