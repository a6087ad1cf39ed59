import type { ApiToken, TokenService, User } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

const API_TOKEN_COLUMNS = `t.id, t.name, t.user_id AS "userId", u.username, t.services, t.read_only AS "readOnly",
  to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(t.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "expiresAt",
  to_char(t.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastUsedAt"`;

/** auth_sessions, auth_api_tokens and auth_setup_tokens; every token is stored as its SHA-256 only. */
export class TokenRepository {
  constructor(private readonly pool: pg.Pool) {}

  async createSession(tokenHash: string, userId: number, expiresAt: Date): Promise<void> {
    await this.pool.query('INSERT INTO auth_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt]);
  }

  async findSession(tokenHash: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<User>(
      `SELECT u.id, u.username, u.role FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.is_system AND u.disabled_at IS NULL`,
      [tokenHash],
    );
    return rows[0];
  }

  /** Ends one session and sweeps expired ones. */
  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM auth_sessions WHERE token_hash = $1 OR expires_at < now()', [tokenHash]);
  }

  async createApiToken(tokenHash: string, userId: number, t: { name: string; services: readonly TokenService[]; readOnly: boolean; expiresAt: Date | null }): Promise<ApiToken> {
    const { rows } = await this.pool.query<ApiToken>(
      `WITH t AS (INSERT INTO auth_api_tokens (token_hash, user_id, name, services, read_only, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)
       SELECT ${API_TOKEN_COLUMNS} FROM t JOIN auth_users u ON u.id = t.user_id`,
      [tokenHash, userId, t.name, t.services, t.readOnly, t.expiresAt],
    );
    return rows[0]!;
  }

  /** The user and limits of a live (not revoked, not expired) API token; notes its use. */
  async findApiToken(tokenHash: string): Promise<{ user: User; token: { id: number; services: TokenService[]; readOnly: boolean } } | undefined> {
    const { rows } = await this.pool.query<User & { tokenId: number; services: TokenService[]; readOnly: boolean }>(
      `UPDATE auth_api_tokens t SET last_used_at = now() FROM auth_users u
       WHERE t.token_hash = $1 AND u.id = t.user_id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.is_system AND u.disabled_at IS NULL
       RETURNING u.id, u.username, u.role, t.id AS "tokenId", t.services, t.read_only AS "readOnly"`,
      [tokenHash],
    );
    const row = rows[0];
    return row && { user: { id: row.id, username: row.username, role: row.role }, token: { id: row.tokenId, services: row.services, readOnly: row.readOnly } };
  }

  /** Live tokens of one user, or of everyone when `userId` is undefined. */
  async listApiTokens(userId: number | undefined): Promise<ApiToken[]> {
    const { rows } = await this.pool.query<ApiToken>(
      `SELECT ${API_TOKEN_COLUMNS} FROM auth_api_tokens t JOIN auth_users u ON u.id = t.user_id
       WHERE t.revoked_at IS NULL AND ($1::int IS NULL OR t.user_id = $1) ORDER BY t.id`,
      [userId ?? null],
    );
    return rows;
  }

  /** Revokes a user's live tokens of that name. */
  async revokeApiTokensNamed(userId: number, name: string): Promise<void> {
    await this.pool.query('UPDATE auth_api_tokens SET revoked_at = now() WHERE user_id = $1 AND name = $2 AND revoked_at IS NULL', [userId, name]);
  }

  /** Revokes a token (of that user, unless `userId` is undefined); false when there was none. */
  async revokeApiToken(id: number, userId: number | undefined): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE auth_api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL AND ($2::int IS NULL OR user_id = $2)', [id, userId ?? null]);
    return (rowCount ?? 0) > 0;
  }

  /** Replaces any setup token by this one. */
  async replaceSetupToken(tokenHash: string, expiresAt: Date): Promise<void> {
    return withTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM auth_setup_tokens');
      await client.query('INSERT INTO auth_setup_tokens (token_hash, expires_at) VALUES ($1, $2)', [tokenHash, expiresAt]);
    });
  }

  async hasLiveSetupToken(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM auth_setup_tokens WHERE expires_at > now()');
    return rows.length > 0;
  }

  /** Uses up a setup token: true once for a live one, false after (or for any other text). */
  async consumeSetupToken(tokenHash: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM auth_setup_tokens WHERE token_hash = $1 AND expires_at > now()', [tokenHash]);
    return (rowCount ?? 0) > 0;
  }
}
