/**
 * An error the central handler (error-handler.ts) answers with its `statusCode` and `message` as
 * is: services throw it for input they refuse, so 4xx answers say what to do. The one class every
 * service uses (services import no fastify; this file imports nothing).
 * @example throw notFound(`Video ${id} does not exist.`)
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const unauthorized = (message: string) => new HttpError(401, message);
export const forbidden = (message: string) => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);
