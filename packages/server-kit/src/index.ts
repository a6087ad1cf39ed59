export { ConfigError, loadConfig } from './config.ts';
export { createService, type ServiceApp, type ServiceHandle, type ServiceOptions } from './create-service.ts';
export { installErrorHandler } from './error-handler.ts';
export { ServiceInstanceRepository } from './repositories/service-instance.repository.ts';
export { runService } from './run-service.ts';
export { bootService } from './boot-service.ts';
export { serviceBasics } from './service-config.ts';
export { configEntries, type ConfigEntry } from './config-docs.ts';
