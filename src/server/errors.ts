/** JSON errors for every HTTP failure: a clear 4xx for bad input, a bare 500 for our own faults. */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../logging/logger';

export function sendError(res: Response, status: number, code: string, message: string): void {
  if (!res.headersSent) res.status(status).json({ error: { code, message } });
}

export const notFound: RequestHandler = (_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.');

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: { type?: string; status?: number; statusCode?: number; message?: string }, req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (err.type === 'entity.too.large') return sendError(res, 413, 'payload_too_large', 'The request body is too large.');
    if (err.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'The request body is not valid JSON.');
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return sendError(res, 415, 'unsupported_encoding', 'Unsupported body encoding.');
    if (status >= 400 && status < 500) return sendError(res, status, 'bad_request', 'The request could not be processed.');
    log.error('http.error', { path: req.path, method: req.method, error: err instanceof Error ? err : String(err.message ?? 'unknown') });
    return sendError(res, 500, 'internal_error', 'Something went wrong on our side.');
  };
}
