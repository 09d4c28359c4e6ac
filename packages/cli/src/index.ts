export { createProgram, main, version } from './program.js';
export { loadProject, validateConfig, selectStage, findEntry, type Project } from './config.js';
export { loadTarget, loadAllTargets } from './targets.js';
export { readAppManifest, stageEnv } from './task-runner.js';
export { buildTarget, bundleTarget, type BuildReport, type BundleOptions } from './bundle.js';
