/**
 * The lines every built entry (node, fastcgi, cgi, iisnode) starts with after its imports: the app
 * from the module, with a clear exit when the module exports none, and the run mode
 * (`node <entry> run <task> [args...]` runs one of the app's tasks instead of serving). The entry
 * imports `runTaskCommand` from @adapt/core and the app module as `appModule`.
 */
export interface AppEntryOptions {
  /** Written before the error line when the module exports no app (cgi answers the request first). */
  onMissingApp?: string;
  /** An extra condition for the run mode (cgi: never under a web server). */
  runCondition?: string;
  /** The comment above the run mode. */
  runComment?: string;
}

export function appEntryLines(importApp: string, platform: string, options: AppEntryOptions = {}): string {
  const runComment = options.runComment ?? "node server.mjs run <task> [args...]: runs one of the app's tasks instead of serving";
  return `const app = appModule.default ?? appModule.app;
if (app === undefined) {
${options.onMissingApp ?? ''}  console.error(${JSON.stringify(`adapt: ${importApp} exports no app; export it as the default export (export default app)`)});
  process.exit(1);
}
// ${runComment}
if (process.argv[2] === 'run'${options.runCondition ? ` && ${options.runCondition}` : ''}) process.exit(await runTaskCommand(app, process.argv.slice(3), { platform: '${platform}' }));`;
}
