import type { HawkRole, HawkUser, HawkUserAccount } from '@sightline/contracts';
import type pg from 'pg';

/** hawk_users and hawk_sessions. */
export class UserRepository {
  constructor(private readonly pool: pg.Pool) {}

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hawk_users');
    return rows[0]!.n;
  }

  async hasAdmin(): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM hawk_users WHERE role = 'admin' LIMIT 1");
    return rows.length > 0;
  }

  /** Inserts a user; null when the name is taken. */
  async create(username: string, passwordHash: string, role: HawkRole): Promise<HawkUser | null> {
    const { rows } = await this.pool.query<HawkUser>(
      `INSERT INTO hawk_users (username, password_hash, role) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING id, username, role`,
      [username, passwordHash, role],
    );
    return rows[0] ?? null;
  }

  /**
   * The id of a user that only the system writes as (e.g. "model" for pre-labels); its password
   * hash is not a scrypt hash, so nobody can log in as it. Null when a person already took the name.
   */
  async systemUser(username: string): Promise<number | null> {
    await this.pool.query(`INSERT INTO hawk_users (username, password_hash, role) VALUES ($1, 'system', 'annotator') ON CONFLICT (username) DO NOTHING`, [username]);
    const { rows } = await this.pool.query<{ id: number; system: boolean }>(`SELECT id, password_hash = 'system' AS system FROM hawk_users WHERE username = $1`, [username]);
    return rows[0]?.system ? rows[0].id : null;
  }

  async findByName(username: string): Promise<(HawkUser & { passwordHash: string; disabled: boolean }) | undefined> {
    const { rows } = await this.pool.query<HawkUser & { passwordHash: string; disabled: boolean }>(
      'SELECT id, username, role, password_hash AS "passwordHash", disabled_at IS NOT NULL AS disabled FROM hawk_users WHERE username = $1',
      [username],
    );
    return rows[0];
  }

  /** People (system users such as "model" left out). */
  async list(): Promise<HawkUser[]> {
    const { rows } = await this.pool.query<HawkUser>("SELECT id, username, role FROM hawk_users WHERE password_hash <> 'system' ORDER BY id");
    return rows;
  }

  async accounts(): Promise<HawkUserAccount[]> {
    const { rows } = await this.pool.query<HawkUserAccount>(
      `SELECT id, username, role, disabled_at IS NOT NULL AS disabled, to_json(created_at)#>>'{}' AS "createdAt"
       FROM hawk_users WHERE password_hash <> 'system' ORDER BY id`,
    );
    return rows;
  }

  async account(id: number): Promise<HawkUserAccount | undefined> {
    return (await this.accounts()).find((u) => u.id === id);
  }

  /** Applies the given changes; a new password or disabling also ends every session of the user. */
  async update(id: number, change: { role?: HawkRole; disabled?: boolean; passwordHash?: string }): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (change.role) await client.query('UPDATE hawk_users SET role = $2 WHERE id = $1', [id, change.role]);
      if (change.disabled !== undefined) await client.query('UPDATE hawk_users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1', [id, change.disabled]);
      if (change.passwordHash) await client.query('UPDATE hawk_users SET password_hash = $2 WHERE id = $1', [id, change.passwordHash]);
      if (change.passwordHash || change.disabled) await client.query('DELETE FROM hawk_sessions WHERE user_id = $1', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  async activeAdmins(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM hawk_users WHERE role = 'admin' AND disabled_at IS NULL");
    return rows[0]!.n;
  }

  async createSession(tokenHash: string, userId: number, expiresAt: Date): Promise<void> {
    await this.pool.query('INSERT INTO hawk_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt]);
  }

  async findSession(tokenHash: string): Promise<HawkUser | undefined> {
    const { rows } = await this.pool.query<HawkUser>(
      `SELECT u.id, u.username, u.role FROM hawk_sessions s JOIN hawk_users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [tokenHash],
    );
    return rows[0];
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM hawk_sessions WHERE token_hash = $1 OR expires_at < now()', [tokenHash]);
  }
}
