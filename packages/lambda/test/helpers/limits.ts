/**
 * The conformance cases each Lambda source cannot carry, and why (the platform loses the
 * information before the function runs). Shared by every runner with Lambda columns: the handler
 * in-process (test/conformance.test.ts) and `adapt start --target lambda` over HTTP (packages/cli).
 */
import type { SourceKind } from './sources.js';

/** Cases each source cannot carry, and why. */
export const limits: Partial<Record<SourceKind, Record<string, string>>> = {
  'apigw-v1': {
    '%2F, + and %20 in the query stay encoded': 'REST decodes query parameters: the raw query and a literal + are gone',
    'empty query values': 'REST decodes query parameters: `flag` and `flag=` both arrive as ""',
    'encoded query characters: %26 %3D %23': 'REST decodes query parameters: the raw query string is rebuilt, not kept',
    'UTF-8 query value': 'REST decodes query parameters: the raw query string is rebuilt, not kept',
    'repeated query keys keep order': 'REST groups repeated keys: the order across keys is lost',
  },
  'apigw-v2': {
    'repeated request header is joined with a comma': 'HTTP API joins repeated headers with "," (no space)',
    '%2F in the path is not decoded': 'HTTP API decodes rawPath',
    '%20 and + in the path': 'HTTP API decodes rawPath',
    'UTF-8 in the path stays percent-encoded': 'HTTP API decodes rawPath',
  },
  'function-url': {
    'repeated request header is joined with a comma': 'Function URLs join repeated headers with "," (no space)',
  },
  alb: {
    'repeated query keys keep order': 'single-value mode keeps only the last value of a key',
    'empty query values': 'ALB gives `flag` as "", rebuilt as `flag=`',
    'repeated request header is joined with a comma': 'single-value mode keeps only the last value of a header',
    'three Set-Cookie stay apart (one has a comma in Expires)': 'single-value mode carries one Set-Cookie (the last is sent)',
  },
  'alb-multi': {
    'repeated query keys keep order': 'ALB groups repeated keys: the order across keys is lost',
    'empty query values': 'ALB gives `flag` as "", rebuilt as `flag=`',
  },
  'lattice-v1': {
    'repeated request header is joined with a comma': 'Lattice v1 joins repeated headers with "," (no space)',
    '%2F, + and %20 in the query stay encoded': 'Lattice gives decoded query parameters',
    'empty query values': 'Lattice gives decoded query parameters',
    'encoded query characters: %26 %3D %23': 'Lattice gives decoded query parameters',
    'UTF-8 query value': 'Lattice gives decoded query parameters',
    'repeated query keys keep order': 'Lattice v1 keeps one value per key',
    'three Set-Cookie stay apart (one has a comma in Expires)': 'Lattice results carry one Set-Cookie (the last is sent)',
  },
  'lattice-v2': {
    '%2F, + and %20 in the query stay encoded': 'Lattice gives decoded query parameters',
    'empty query values': 'Lattice gives decoded query parameters',
    'encoded query characters: %26 %3D %23': 'Lattice gives decoded query parameters',
    'UTF-8 query value': 'Lattice gives decoded query parameters',
    'repeated query keys keep order': 'Lattice groups repeated keys: the order across keys is lost',
    'three Set-Cookie stay apart (one has a comma in Expires)': 'Lattice results carry one Set-Cookie (the last is sent)',
  },
};
