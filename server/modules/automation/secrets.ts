import { decryptSecret, encryptSecret, keyring } from '../../security/keyring.ts';

// The secret that signs calls to a rule's incoming webhook, at rest (SECURITY §5): sealed with the
// keyring and bound to its rule. Checking a call needs the secret itself (an HMAC), so it is
// encrypted, not hashed.

const bound = (workspaceId: string, ruleId: string) => `automation-rule:${workspaceId}:${ruleId}`;

export const sealRuleSecret = (workspaceId: string, ruleId: string, plain: string) =>
  encryptSecret(keyring(), plain, bound(workspaceId, ruleId));

/** The plain secret; one stored before secrets were sealed (`whsec_…`) reads as it is until a new one is made. */
export const openRuleSecret = (workspaceId: string, ruleId: string, stored: string) =>
  stored.startsWith('whsec_') ? stored : decryptSecret(keyring(), stored, bound(workspaceId, ruleId));
