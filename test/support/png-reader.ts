/**
 * A small PNG decoder for tests, independent of the app's encoder: checks the signature and
 * every chunk's CRC, reads IHDR, inflates the IDAT stream and undoes the five row filters.
 * 8-bit RGBA (colour type 6) and RGB (2) only, no interlace: what icons use.
 */
import { inflateSync } from 'node:zlib'

export interface DecodedPng {
  width: number
  height: number
  colorType: number
  /** RGBA, 4 bytes per pixel (RGB images get alpha 255). */
  pixels: Uint8Array
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (const b of data) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

/** Width and height from the IHDR chunk only (no decoding). */
export function pngSize(buf: Buffer): { width: number; height: number } {
  if (!SIGNATURE.every((b, i) => buf[i] === b)) throw new Error('not a PNG')
  if (buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('IHDR is not the first chunk')
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) }
}

export function decodePng(buf: Buffer): DecodedPng {
  if (!SIGNATURE.every((b, i) => buf[i] === b)) throw new Error('not a PNG')
  let pos = 8
  let width = 0
  let height = 0
  let colorType = -1
  const idat: Buffer[] = []
  let ended = false
  while (pos < buf.length && !ended) {
    const len = buf.readUInt32BE(pos)
    const type = buf.toString('latin1', pos + 4, pos + 8)
    const data = buf.subarray(pos + 8, pos + 8 + len)
    const crc = buf.readUInt32BE(pos + 8 + len)
    if (crc32(buf.subarray(pos + 4, pos + 8 + len)) !== crc) throw new Error(`bad CRC in ${type}`)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      if (data[8] !== 8) throw new Error(`bit depth ${data[8]} not supported`)
      colorType = data[9]!
      if (data[12] !== 0) throw new Error('interlaced PNG not supported')
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') ended = true
    pos += 12 + len
  }
  if (!ended) throw new Error('no IEND chunk')
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0
  if (!channels) throw new Error(`colour type ${colorType} not supported`)
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  if (raw.length !== (stride + 1) * height) throw new Error('IDAT has the wrong length')
  const out = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!
      const a = x >= channels ? out[y * stride + x - channels]! : 0
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0
      let pred = 0
      if (filter === 1) pred = a
      else if (filter === 2) pred = b
      else if (filter === 3) pred = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      } else if (filter !== 0) throw new Error(`bad filter ${filter}`)
      out[y * stride + x] = (v + pred) & 0xff
    }
  }
  if (channels === 4) return { width, height, colorType, pixels: out }
  const rgba = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    rgba.set(out.subarray(i * 3, i * 3 + 3), i * 4)
    rgba[i * 4 + 3] = 255
  }
  return { width, height, colorType, pixels: rgba }
}

/** The RGBA of pixel (x, y). */
export function pixelAt(img: { width: number; pixels: Uint8Array }, x: number, y: number) {
  const i = (y * img.width + x) * 4
  const p = img.pixels
  return { r: p[i]!, g: p[i + 1]!, b: p[i + 2]!, a: p[i + 3]! }
}
