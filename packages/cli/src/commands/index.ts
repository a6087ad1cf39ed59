export { dbCommand } from './db.ts';
export { detectCommand } from './detect.ts';
export { doctorCommand } from './doctor.ts';
export { evalCommand } from './eval.ts';
export { flowCommand } from './flow.ts';
export { modelsCommand } from './models.ts';
export { trackCommand } from './track.ts';
