/**
 * Text in which `<marker>XX` (two hex digits) stands for one byte and every other character for
 * its UTF-8 bytes: percent-encoding (`%XX`, a URL's query) and quoted-printable (`=XX`, vCard
 * 3.0). A marker not followed by two hex digits stands for itself. Pure: imports nothing.
 */
export function hexEscapedBytes(s: string, marker: '%' | '='): Uint8Array {
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  for (let i = 0; i < s.length;) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === marker && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      for (const b of encoder.encode(ch)) bytes.push(b);
      i += ch.length;
    }
  }
  return new Uint8Array(bytes);
}
