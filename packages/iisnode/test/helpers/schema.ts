/**
 * Validates a web.config as IIS would read what adapt writes: `<iisnode>` against iisnode's own
 * configuration schema (fixtures/iisnode/iisnode_schema.xml: every attribute must exist, with a
 * value legal for its type), every other element and attribute against fixtures/iis/elements.json.
 */
import { readFileSync } from 'node:fs';
import { parseXml, type XmlElement } from './xml.js';

interface SchemaAttribute {
  type: string;
  allowInfinite: boolean;
}

const fixtures = new URL('../fixtures/', import.meta.url);

export function iisnodeSchema(): Map<string, SchemaAttribute> {
  const root = parseXml(readFileSync(new URL('iisnode/iisnode_schema.xml', fixtures), 'utf8'));
  const section = root.children.find((child) => child.name === 'sectionSchema' && attribute(child, 'name') === 'system.webServer/iisnode');
  if (!section) throw new Error('iisnode_schema.xml has no system.webServer/iisnode section');
  const attributes = new Map<string, SchemaAttribute>();
  for (const child of section.children) {
    if (child.name !== 'attribute') continue;
    attributes.set(attribute(child, 'name')!, { type: attribute(child, 'type')!, allowInfinite: attribute(child, 'allowInfinite') === 'true' });
  }
  return attributes;
}

const elements = JSON.parse(readFileSync(new URL('iis/elements.json', fixtures), 'utf8')) as Record<string, Record<string, string | string[]>>;

/** Every problem found, as `path@attribute: why`; empty when IIS would take the file. */
export function validateWebConfig(text: string): string[] {
  const problems: string[] = [];
  const schema = iisnodeSchema();
  const visit = (node: XmlElement, parent: string) => {
    const path = parent ? `${parent}/${node.name}` : node.name;
    if (path === 'configuration/system.webServer/iisnode') {
      for (const [name, value] of node.attributes) {
        const declared = schema.get(name);
        if (!declared) problems.push(`${path}@${name}: not in iisnode's schema`);
        else if (!legal(declared, value)) problems.push(`${path}@${name}: ${JSON.stringify(value)} is not a legal ${declared.type}`);
      }
      if (node.children.length > 0) problems.push(`${path}: iisnode takes no child elements`);
      return;
    }
    const allowed = elements[path];
    if (!allowed) {
      problems.push(`${path}: not an element adapt knows IIS to take here`);
      return;
    }
    for (const [name, value] of node.attributes) {
      const rule = allowed[name];
      if (rule === undefined) problems.push(`${path}@${name}: not an attribute of this element`);
      else if (Array.isArray(rule) ? !rule.includes(value) : !new RegExp(rule).test(value)) problems.push(`${path}@${name}: ${JSON.stringify(value)} is not a legal value`);
    }
    for (const child of node.children) visit(child, path);
  };
  visit(parseXml(text), '');
  return problems;
}

function legal(declared: SchemaAttribute, value: string): boolean {
  switch (declared.type) {
    case 'uint':
      return (/^\d{1,10}$/.test(value) && Number(value) <= 0xffffffff) || (declared.allowInfinite && value === 'Infinite');
    case 'bool':
      return value === 'true' || value === 'false';
    case 'string':
      return true;
    default:
      return false;
  }
}

function attribute(node: XmlElement, name: string): string | undefined {
  return node.attributes.find(([key]) => key === name)?.[1];
}
