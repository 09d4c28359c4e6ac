/**
 * What each front server's config needs for sendFile() (core's send-file.ts), one home for every
 * target that writes those configs (node, fastcgi):
 * - nginx, mode x-accel-redirect: an `internal` location per root, `<prefix>/<n>/`;
 * - Apache, mode x-sendfile: mod_xsendfile on, with each root allowed (`XSendFilePath`);
 * - lighttpd, mode x-sendfile: the gateway's `allow-x-send-file`, confined to the roots.
 * A relative root is inside the install folder (where the unit starts the app).
 */
import { defaultInternalPrefix, type SendFileSettings } from '@adapt/core';

export interface SendFileConfig {
  sendFile: SendFileSettings | undefined;
  installDir: string;
}

/** The roots as absolute folders on the server, without a trailing slash. */
export function sendFileFolders(settings: SendFileConfig): string[] {
  return (settings.sendFile?.roots ?? []).map((root) => (root.startsWith('/') ? root : `${settings.installDir}/${root.replace(/^\.\//, '')}`).replace(/\/+$/, ''));
}

/** nginx: root n is the internal location `<prefix>/<n>/`. */
export function sendFileLocations(settings: SendFileConfig): string[] {
  const sendFile = settings.sendFile;
  if (sendFile?.mode !== 'x-accel-redirect') return [];
  const prefix = (sendFile.internalPrefix ?? defaultInternalPrefix).replace(/\/+$/, '');
  const lines = ['', '    # sendFile(): the app answers X-Accel-Redirect and nginx sends the file from these folders.'];
  sendFileFolders(settings).forEach((folder, index) => {
    lines.push(`    location ^~ ${prefix}/${index}/ {`, '        internal;', `        alias ${folder}/;`, '    }');
  });
  return lines;
}

/** Apache (inside the vhost): mod_xsendfile sends the file the app names in X-Sendfile. */
export function apacheSendFileLines(settings: SendFileConfig): string[] {
  if (settings.sendFile?.mode !== 'x-sendfile') return [];
  return [
    '    # sendFile(): the app answers X-Sendfile and mod_xsendfile sends the file, from these folders only.',
    '    XSendFile On',
    ...sendFileFolders(settings).map((folder) => `    XSendFilePath "${folder}"`),
  ];
}

/** lighttpd (options of one fastcgi.server/proxy.server host): X-Sendfile allowed from the roots. */
export function lighttpdSendFileOptions(settings: SendFileConfig): string {
  if (settings.sendFile?.mode !== 'x-sendfile') return '';
  const folders = sendFileFolders(settings).map((folder) => `"${folder}/"`);
  return `, "allow-x-send-file" => "enable", "x-sendfile-docroot" => ( ${folders.join(', ')} )`;
}
