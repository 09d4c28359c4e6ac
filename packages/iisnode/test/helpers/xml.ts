/** A small XML reader for the configuration files adapt writes: elements, attributes, comments, the declaration. Throws on anything malformed. */
export interface XmlElement {
  name: string;
  attributes: Array<[string, string]>;
  children: XmlElement[];
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`XML line ${line}: ${why}`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end === -1) fail('unclosed comment');
        if (text.slice(i + 4, end).includes('--')) fail('"--" inside a comment');
        i = end + 3;
      } else if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end === -1) fail('unclosed declaration');
        i = end + 2;
      } else return;
    }
  };
  const decode = (value: string) =>
    value.replace(/&(#?\w+);/g, (whole, name: string) => {
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.startsWith('#x') ? `0x${name.slice(2)}` : name.slice(1)));
      if (!(name in entities)) fail(`unknown entity ${whole}`);
      return entities[name];
    });
  const element = (): XmlElement => {
    if (text[i] !== '<') fail('expected an element');
    i++;
    const name = /^[A-Za-z_][\w.:-]*/.exec(text.slice(i))?.[0] ?? fail('expected an element name');
    i += name.length;
    const node: XmlElement = { name, attributes: [], children: [] };
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const attribute = /^([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/.exec(text.slice(i)) ?? fail(`bad attribute in <${name}>`);
      if (node.attributes.some(([existing]) => existing === attribute[1])) fail(`attribute ${attribute[1]} twice in <${name}>`);
      node.attributes.push([attribute[1], decode(attribute[2])]);
      i += attribute[0].length;
    }
    for (;;) {
      skipMisc();
      if (text.startsWith('</', i)) {
        const close = `</${name}>`;
        if (!text.startsWith(close, i)) fail(`expected ${close}`);
        i += close.length;
        return node;
      }
      if (text[i] !== '<') fail(`text inside <${name}>: adapt writes none`);
      node.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== text.length) fail('content after the root element');
  return root;
}
