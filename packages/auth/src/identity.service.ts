import type { ApiToken, CreateApiTokenBody, CreateUserBody, CreatedApiToken, LoginResponse, UpdateUserBody, User, UserAccount } from '@sightline/contracts';
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from './access.ts';
import { AuthError } from './auth-error.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { TokenRepository } from './token.repository.ts';
import { UserRepository } from './user.repository.ts';

/** API tokens carry a prefix so a lookup knows its table, and so a leaked one is recognisable. */
export const API_TOKEN_PREFIX = 'slt_';
const SETUP_TOKEN_HOURS = 24;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

/**
 * Users, logins, sessions, API tokens and first-run setup of the whole system; every service builds
 * one over the shared database.
 * @example const identity = new IdentityService(pool, { sessionHours: 12 }); await identity.login('ana', 'secret');
 */
export class IdentityService {
  readonly users: UserRepository;
  private readonly tokens: TokenRepository;

  constructor(
    pool: pg.Pool,
    private readonly options: { sessionHours: number },
  ) {
    this.users = new UserRepository(pool);
    this.tokens = new TokenRepository(pool);
  }

  /**
   * At start: with no admin yet, creates user "admin" with `adminPassword` when given, else issues a
   * fresh one-time setup token (replacing an older one) and returns it to be printed.
   */
  async prepareFirstRun(adminPassword: string): Promise<{ state: 'ready' } | { state: 'admin-created' } | { state: 'setup'; setupToken: string }> {
    if (await this.users.hasAdmin()) return { state: 'ready' };
    if (adminPassword) {
      const created = await this.users.create('admin', await hashPassword(adminPassword), 'admin');
      if (!created) throw new Error('A user named "admin" exists but is not an admin; create the first admin with the setup token instead (unset SIGHTLINE_ADMIN_PASSWORD).');
      return { state: 'admin-created' };
    }
    const setupToken = newSecret();
    await this.tokens.replaceSetupToken(tokenHash(setupToken), new Date(Date.now() + SETUP_TOKEN_HOURS * 3600_000));
    return { state: 'setup', setupToken };
  }

  /** Whether a setup token was issued and is still unused and unexpired. */
  setupPending(): Promise<boolean> {
    return this.tokens.hasLiveSetupToken();
  }

  /** Whether the first admin still has to be created. */
  async setupNeeded(): Promise<boolean> {
    return !(await this.users.hasAdmin());
  }

  /** Creates the first admin with the one-time setup token; refused once an admin exists. */
  async setup(username: string, password: string, setupToken: string): Promise<LoginResponse> {
    if (await this.users.hasAdmin()) throw new AuthError(403, 'Sightline is already set up; log in, or ask an admin to create your user.');
    if (await this.users.findByName(username)) throw new AuthError(409, `User "${username}" exists already; pick another name.`);
    if (!(await this.tokens.consumeSetupToken(tokenHash(setupToken)))) {
      throw new AuthError(403, 'That setup token is not valid (it is printed by `npm start` when no admin exists, and works once); restart to get a new one.');
    }
    const user = await this.users.create(username, await hashPassword(password), 'admin');
    if (!user) throw new AuthError(409, `User "${username}" exists already; pick another name.`);
    return this.startSession(user);
  }

  async login(username: string, password: string): Promise<LoginResponse> {
    const found = await this.users.findByName(username);
    // Hash even for unknown names so timing does not reveal which usernames exist.
    const ok = found && !found.isSystem ? await verifyPassword(password, found.passwordHash) : (await hashPassword(password), false);
    if (!found || !ok) throw new AuthError(401, 'Wrong username or password.');
    if (found.disabled) throw new AuthError(403, `User "${found.username}" is disabled; ask an admin to enable it again.`);
    return this.startSession({ id: found.id, username: found.username, role: found.role });
  }

  async logout(token: string): Promise<void> {
    await this.tokens.deleteSession(tokenHash(token));
  }

  /** The principal behind a session or API token, or undefined when it is unknown, expired or revoked. */
  async principalFor(token: string): Promise<Principal | undefined> {
    if (token.startsWith(API_TOKEN_PREFIX)) return this.tokens.findApiToken(tokenHash(token));
    const user = await this.tokens.findSession(tokenHash(token));
    return user && { user };
  }

  async createUser(body: CreateUserBody): Promise<User> {
    const user = await this.users.create(body.username, await hashPassword(body.password), body.role);
    if (!user) throw new AuthError(409, `User "${body.username}" exists already; pick another name.`);
    return user;
  }

  /** People and their state (disabled, created); system users left out. */
  listAccounts(): Promise<UserAccount[]> {
    return this.users.accounts();
  }

  /** Role, disabled, or a new password (which ends the user's sessions). Nobody can lock the last admin out. */
  async updateUser(id: number, body: UpdateUserBody, by: User): Promise<UserAccount> {
    const before = await this.users.account(id);
    if (!before) throw new AuthError(404, `No user with id ${id}; list users with GET /users.`);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((body.role && body.role !== 'admin') || body.disabled === true);
    if (losesAdmin && (await this.users.activeAdmins()) <= 1) throw new AuthError(409, `${before.username} is the only active admin; make another admin first.`);
    if (id === by.id && body.disabled) throw new AuthError(409, 'You cannot disable yourself; another admin can.');
    await this.users.update(id, { ...(body.role ? { role: body.role } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled } : {}), ...(body.password ? { passwordHash: await hashPassword(body.password) } : {}) });
    return (await this.users.account(id))!;
  }

  /** A new API token of `owner`; its text is returned this once and only its hash is kept. */
  async createApiToken(owner: User, body: CreateApiTokenBody): Promise<CreatedApiToken> {
    const token = `${API_TOKEN_PREFIX}${newSecret()}`;
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
    const info = await this.tokens.createApiToken(tokenHash(token), owner.id, { name: body.name, services: body.services, readOnly: body.readOnly ?? false, expiresAt });
    return { token, info };
  }

  /**
   * A read-only token for one service that another reads on the site's behalf (Scouter's training
   * reads Hawk's approved labels), owned by the oldest active admin so Hawk's own visibility
   * rules apply and the admin sees it in the token list; the previous token of that name is revoked,
   * so each start leaves one live. Undefined while no admin exists yet (first-run setup pending).
   * @example const token = await identity.replaceSiteToken('Scouter training (npm start)', 'hawk');
   */
  async replaceSiteToken(name: string, service: CreateApiTokenBody['services'][number]): Promise<string | undefined> {
    const admin = await this.users.firstAdmin();
    if (!admin) return undefined;
    await this.tokens.revokeApiTokensNamed(admin.id, name);
    return (await this.createApiToken(admin, { name, services: [service], readOnly: true })).token;
  }

  /** Admins see every live token; others their own. */
  listApiTokens(viewer: User): Promise<ApiToken[]> {
    return this.tokens.listApiTokens(viewer.role === 'admin' ? undefined : viewer.id);
  }

  async revokeApiToken(viewer: User, id: number): Promise<void> {
    if (!(await this.tokens.revokeApiToken(id, viewer.role === 'admin' ? undefined : viewer.id))) throw new AuthError(404, `No live API token ${id} of yours.`);
  }

  private async startSession(user: User): Promise<LoginResponse> {
    const token = newSecret();
    const expiresAt = new Date(Date.now() + this.options.sessionHours * 3600_000);
    await this.tokens.createSession(tokenHash(token), user.id, expiresAt);
    return { token, user, expiresAt: expiresAt.toISOString() };
  }
}
