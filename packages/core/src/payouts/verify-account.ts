import type { Directory } from '../directory/directory.ts';
import { AppError } from '../errors.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { accountNumberProblem } from './account-number.ts';

export interface VerifyAccountResult {
  valid: boolean;
  accountTitle?: string;
  status: 'ACTIVE' | 'BLOCKED' | 'NOT_FOUND';
}

/** Account lookup by scenario number (no state, no money). */
export async function verifyAccount(
  deps: { scenarios: ScenarioCatalog; directory: Directory },
  input: { type: 'wallet' | 'bank'; provider: string; accountNumber: string },
): Promise<VerifyAccountResult> {
  const problem = accountNumberProblem(input.type, input.accountNumber);
  if (problem) {
    throw new AppError('VALIDATION_ERROR', 'the request is not valid', [{ field: 'accountNumber', message: problem }]);
  }
  if (!(await deps.directory.isProvider(input.type, input.provider))) {
    throw new AppError('VALIDATION_ERROR', 'the request is not valid', [
      { field: 'provider', message: `unknown ${input.type} provider "${input.provider}"` },
    ]);
  }
  const scenario = await deps.scenarios.resolve(input.accountNumber);
  switch (scenario.key) {
    case 'ACCOUNT_NOT_FOUND':
      return { valid: false, status: 'NOT_FOUND' };
    case 'PROVIDER_UNAVAILABLE':
      throw new AppError('PROVIDER_UNAVAILABLE', `${input.provider} is unavailable, try again later`, undefined, {
        'Retry-After': '30',
      });
    case 'ACCOUNT_BLOCKED':
      return { valid: true, accountTitle: 'Test Account', status: 'BLOCKED' };
    case 'TITLE_MISMATCH':
      return { valid: true, accountTitle: 'Different Name', status: 'ACTIVE' };
    default:
      return { valid: true, accountTitle: 'Test Account', status: 'ACTIVE' };
  }
}
