/** Which database the suite runs on: the vitest project sets RAPPORT_TEST_DB (vitest.config.ts). */
export const dbKind = process.env.RAPPORT_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
