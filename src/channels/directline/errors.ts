/** The one error shape of the Direct Line API: `{ error: { code, message } }` with a 4xx status. */
import type { Response } from 'express';

export class DirectLineHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DirectLineHttpError';
  }
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Raised by the adapter when a conversation was erased or has expired. */
export class ConversationNotFoundError extends Error {
  constructor(readonly conversationId: string) {
    super('The conversation does not exist (unknown, erased or expired).');
    this.name = 'ConversationNotFoundError';
  }
}
