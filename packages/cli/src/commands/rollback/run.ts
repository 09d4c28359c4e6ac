/** `adapt rollback` shares its body with deploy: load the target, call its rollback. */
export { runRollback, type RollbackRunOptions } from '../deploy/run.js';
