// A small XML well-formedness check for the SVG tests (no XML parser is installed): one root,
// properly nested and closed tags, quoted attributes without duplicates, only known entities.

export function assertWellFormedXml(text: string): { root: string; elements: string[] } {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const elements: string[] = [];
  let root = '';
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(body)) !== null) {
    const [, closing, name, attributes, selfClosing, textRun, stray] = match;
    if (stray) throw new Error(`malformed markup at offset ${match.index}: ${body.slice(match.index, match.index + 40)}`);
    if (textRun !== undefined) {
      if (stack.length === 0 && textRun.trim() !== '') throw new Error('text outside the root element');
      for (const entity of textRun.match(/&[^;\s]*;?/g) ?? []) {
        if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(entity)) throw new Error(`bad entity ${entity}`);
      }
      continue;
    }
    if (!name) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      continue;
    }
    if (stack.length === 0) {
      if (root) throw new Error('more than one root element');
      root = name;
    }
    const seen = new Set<string>();
    for (const attr of (attributes ?? '').matchAll(/([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')/g)) {
      const attrName = attr[1] ?? '';
      if (seen.has(attrName)) throw new Error(`duplicate attribute ${attrName} on <${name}>`);
      seen.add(attrName);
      for (const entity of (attr[2] ?? '').match(/&[^;\s]*;?/g) ?? []) {
        if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(entity)) throw new Error(`bad entity ${entity} in ${attrName}`);
      }
    }
    elements.push(name);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (!root) throw new Error('no root element');
  return { root, elements };
}
