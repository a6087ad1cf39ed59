/**
 * Type and pixel size of a PNG, JPEG or WebP image, read from its header; undefined for anything else.
 * @example imageSize(readFileSync('plan.png')) // { type: 'image/png', widthPx: 1200, heightPx: 800 }
 */
export function imageSize(bytes: Buffer): { type: 'image/png' | 'image/jpeg' | 'image/webp'; widthPx: number; heightPx: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('ascii', 12, 16) === 'IHDR') {
    return { type: 'image/png', widthPx: bytes.readUInt32BE(16), heightPx: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the JPEG segments to the first start-of-frame marker, which holds the size.
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return undefined;
      const marker = bytes[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'image/jpeg', heightPx: bytes.readUInt16BE(i + 5), widthPx: bytes.readUInt16BE(i + 7) };
      }
      i += 2 + length;
    }
    return undefined;
  }
  if (bytes.length >= 30 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') {
    const chunk = bytes.toString('ascii', 12, 16);
    if (chunk === 'VP8X') return { type: 'image/webp', widthPx: 1 + bytes.readUIntLE(24, 3), heightPx: 1 + bytes.readUIntLE(27, 3) };
    if (chunk === 'VP8 ') return { type: 'image/webp', widthPx: bytes.readUInt16LE(26) & 0x3fff, heightPx: bytes.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const b = bytes.readUInt32LE(21);
      return { type: 'image/webp', widthPx: (b & 0x3fff) + 1, heightPx: ((b >> 14) & 0x3fff) + 1 };
    }
  }
  return undefined;
}

/**
 * Width and height of a JPEG, from its frame header; undefined when it is not a JPEG with one.
 * @example jpegSize(readFileSync('000001.jpg')) // [640, 480]
 */
export function jpegSize(bytes: Uint8Array): [number, number] | undefined {
  const size = imageSize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return size?.type === 'image/jpeg' ? [size.widthPx, size.heightPx] : undefined;
}
