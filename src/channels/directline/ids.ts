/** Identifiers used on the Direct Line channel. */
import crypto from 'node:crypto';

export const CHANNEL_ID = 'directline';

const CONVERSATION_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** Server-issued user ids: Web Chat reserves the `dl_` prefix for ids embedded in the token. */
const USER_ID = /^dl_[A-Za-z0-9_-]{16,64}$/;

export function newConversationId(): string {
  return crypto.randomBytes(18).toString('base64url');
}

export function newUserId(): string {
  return `dl_${crypto.randomBytes(16).toString('base64url')}`;
}

export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && CONVERSATION_ID.test(value);
}

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID.test(value);
}

/** `<conversationId>|0000042`, as the Direct Line service formats activity ids. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}
