/** Placeholder wiring point for the safety net (src/safety); returns nothing until it is wired. */
import type { SafetyCheck } from '../bot/boussole-dialog';
import type { Translate } from '../i18n/i18n';

export function safetyCheck(_t: Translate): SafetyCheck | undefined {
  return undefined;
}
