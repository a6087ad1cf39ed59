export { ADMIN, ANNOTATE, DASHBOARD, OPERATE, REVIEW, decide, type Access, type Principal, type Verdict } from './access.ts';
export { AuthError } from './auth-error.ts';
export { declaredRoutes, installIdentity, principalOf, type DeclaredRoute } from './auth.plugin.ts';
export { API_TOKEN_PREFIX, IdentityService } from './identity.service.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { SESSION_COOKIE, tokenFrom } from './request-token.ts';
export { securityBasics, trustProxyOption, webOriginList, type SecuritySettings } from './security-config.ts';
export { secureSockets } from './socket-auth.ts';
export { UserRepository } from './user.repository.ts';
