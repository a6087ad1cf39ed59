import { notFound } from '@sightline/server-kit';

/** Kanohi's 404 (server-kit's HttpError): what is missing, and how to find the right id. */
export const missing = (what: string) => notFound(`${what} does not exist: list them with GET to find the right id`);
