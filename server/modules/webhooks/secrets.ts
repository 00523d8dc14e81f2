import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';

// Endpoint signing secrets at rest (SECURITY §5): sealed with the keyring, bound to their endpoint,
// so that a copied row decrypts nowhere else. The receiver holds the plain secret; Rapport needs it
// back to sign each delivery, so it is encrypted, not hashed.

const bound = (workspaceId: string, endpointId: string) => `webhook:${workspaceId}:${endpointId}`;

export const sealSecret = (workspaceId: string, endpointId: string, plain: string) =>
  encryptSecret(keyring(), plain, bound(workspaceId, endpointId));

/** The plain secret; one stored before secrets were sealed (`whsec_…` as it is) reads as it is until the next rotation. */
export const openSecret = (workspaceId: string, endpointId: string, stored: string) =>
  stored.startsWith('whsec_') ? stored : decryptSecret(keyring(), stored, bound(workspaceId, endpointId));
