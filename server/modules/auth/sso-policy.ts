import type { Db } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { ssoOnlyFor } from './sso.service.ts';

/** Password sign-in refused where the workspace signs in with SSO only (its owner keeps the password as the way back in). */
export async function refuseIfSsoOnly(db: Db, member: { workspaceId: string; id: string; role: string }) {
  if (await ssoOnlyFor(db, member))
    throw new AppError(403, 'sso_only', 'This workspace signs in with single sign-on only: use "Single sign-on (SSO)" on the sign-in page');
}
