// Base64 and UTF-8 without Buffer, TextEncoder or btoa: the sandbox has plain ECMAScript only.

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = 0xfffd;
    } else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return bytes;
}

/** A string from UTF-8 bytes; malformed sequences become U+FFFD exactly as TextDecoder (WHATWG) does. */
export function utf8Decode(bytes: ArrayLike<number>): string {
  let out = '';
  let code = 0,
    needed = 0,
    seen = 0,
    lower = 0x80,
    upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (needed === 0) {
      if (byte <= 0x7f) out += String.fromCharCode(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        code = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        code = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        code = byte & 0x7;
      } else out += '\ufffd';
      continue;
    }
    if (byte < lower || byte > upper) {
      // The bad byte ends the sequence and is read again as the start of the next one.
      code = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      out += '\ufffd';
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    code = (code << 6) | (byte & 0x3f);
    if (++seen === needed) {
      out += String.fromCodePoint(code);
      code = needed = seen = 0;
    }
  }
  return needed > 0 ? out + '\ufffd' : out;
}

/** Base64 of raw bytes. */
export function bytesToBase64(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i],
      b = bytes[i + 1],
      c = bytes[i + 2];
    out += alphabet[a >> 2] + alphabet[((a & 3) << 4) | ((b ?? 0) >> 4)];
    out += b === undefined ? '=' : alphabet[((b & 15) << 2) | ((c ?? 0) >> 6)];
    out += c === undefined ? '=' : alphabet[c & 63];
  }
  return out;
}

/** Raw bytes of base64 (standard or URL-safe alphabet, padding optional); throws on other characters. */
export function base64ToBytes(base64: string): number[] {
  const clean = base64
    .replace(/[\s=]+/g, '')
    .replaceAll('-', '+')
    .replaceAll('_', '/');
  const bytes: number[] = [];
  let buffer = 0,
    bits = 0;
  for (const char of clean) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base64: unexpected character "${char}"`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return bytes;
}

/** Base64 of a string's UTF-8 bytes, e.g. for an `Authorization: Basic` header built by hand. */
export function encodeBase64(text: string): string {
  return bytesToBase64(utf8Encode(text));
}

/** The UTF-8 text inside base64. */
export function decodeBase64(base64: string): string {
  return utf8Decode(base64ToBytes(base64));
}
