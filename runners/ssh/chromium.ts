export async function createRemoteChromiumRunner(..._a: unknown[]): Promise<never> { throw new Error('todo'); }
