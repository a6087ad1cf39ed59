/** An error the services' central handler answers with its `statusCode` and `message` as is. */
export class AuthError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
