/**
 * web.config for IIS: the iisnode handler for index.cjs (or HttpPlatformHandler starting node on
 * %HTTP_PLATFORM_PORT%), URL Rewrite (files that exist in static/ served by IIS, everything else to
 * the app), node_modules and iisnode's log folder hidden, and the app's own error answers passed
 * through IIS untouched.
 */
import type { IisnodeTargetSettings } from './settings.js';

export const entryFile = 'index.cjs';
export const bundleFile = 'server.mjs';

export interface WebConfigInput {
  settings: IisnodeTargetSettings;
  /** Whether the build has a static/ folder. */
  hasStatic: boolean;
}

export function webConfig({ settings, hasStatic }: WebConfigInput): string {
  const nodeEnv = settings.development ? 'development' : 'production';
  // (an XML comment cannot hold two dashes in a row, so no command line in it)
  const lines: string[] = ['<?xml version="1.0" encoding="utf-8"?>', `<!-- written by adapt build for the iisnode target (${settings.mode} mode) -->`, '<configuration>'];
  const env = Object.entries(settings.env);
  if (settings.mode === 'iisnode' && env.length > 0) {
    // iisnode hands appSettings to node as environment variables
    lines.push('  <appSettings>', ...env.map(([key, value]) => `    <add key="${xml(key)}" value="${xml(value)}" />`), '  </appSettings>');
  }
  lines.push('  <system.webServer>', '    <handlers>');
  if (settings.mode === 'iisnode') lines.push(`      <add name="iisnode" path="${entryFile}" verb="*" modules="iisnode" />`);
  else lines.push('      <add name="httpPlatformHandler" path="*" verb="*" modules="httpPlatformHandler" resourceType="Unspecified" />');
  lines.push('    </handlers>', '    <rewrite>', '      <rules>');
  if (hasStatic) {
    lines.push(
      '        <rule name="adapt-static" stopProcessing="true">',
      '          <match url="^(.+)$" />',
      '          <conditions>',
      '            <add input="{APPL_PHYSICAL_PATH}static\\{R:1}" matchType="IsFile" />',
      '          </conditions>',
      '          <action type="Rewrite" url="static/{R:1}" />',
      '        </rule>',
    );
  }
  if (settings.mode === 'iisnode') {
    lines.push(
      '        <rule name="adapt-app" stopProcessing="true">',
      '          <match url=".*" />',
      `          <action type="Rewrite" url="${entryFile}" />`,
      '        </rule>',
    );
  }
  lines.push(
    '      </rules>',
    '    </rewrite>',
    '    <security>',
    '      <requestFiltering>',
    '        <hiddenSegments>',
    '          <add segment="node_modules" />',
    '          <add segment="iisnode" />',
    '        </hiddenSegments>',
    '      </requestFiltering>',
    '    </security>',
    '    <httpErrors existingResponse="PassThrough" />',
  );
  if (settings.mode === 'iisnode') {
    const attributes: Array<[string, string]> = [
      ['node_env', nodeEnv],
      ['nodeProcessCommandLine', settings.nodePath],
      ['nodeProcessCountPerApplication', String(settings.nodeProcessCountPerApplication)],
      ['enableXFF', String(settings.enableXFF)],
      ['promoteServerVars', settings.promoteServerVars.join(',')],
      ['watchedFiles', settings.watchedFiles.join(';')],
      ['flushResponse', 'true'],
      ['devErrorsEnabled', String(settings.development)],
      ['debuggingEnabled', String(settings.development)],
    ];
    lines.push('    <iisnode', ...attributes.map(([name, value]) => `      ${name}="${xml(value)}"`), '    />');
  } else {
    lines.push(
      `    <httpPlatform processPath="${xml(settings.nodePath)}" arguments="${entryFile}" startupTimeLimit="20" stdoutLogEnabled="true" stdoutLogFile=".\\logs\\node">`,
      '      <environmentVariables>',
      '        <environmentVariable name="PORT" value="%HTTP_PLATFORM_PORT%" />',
      `        <environmentVariable name="NODE_ENV" value="${nodeEnv}" />`,
      ...env.map(([key, value]) => `        <environmentVariable name="${xml(key)}" value="${xml(value)}" />`),
      '      </environmentVariables>',
      '    </httpPlatform>',
    );
  }
  lines.push('  </system.webServer>');
  if (settings.mode === 'httpPlatform' && hasStatic) {
    // IIS serves static/ itself: the proxy handler is taken off there
    lines.push(
      '  <location path="static">',
      '    <system.webServer>',
      '      <handlers>',
      '        <remove name="httpPlatformHandler" />',
      '      </handlers>',
      '    </system.webServer>',
      '  </location>',
    );
  }
  lines.push('</configuration>', '');
  return lines.join('\r\n');
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
