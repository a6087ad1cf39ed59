/** An error the central handler answers with its status and message (4xx messages reach the user). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} does not exist: list them with GET to find the right id`);
