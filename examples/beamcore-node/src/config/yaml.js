// YAML for the cross-client config files, read with the failsafe schema: every scalar
// stays a string, so a 52-byte key written as an unquoted 0x... number is never
// rounded through a JavaScript Number. Callers convert what they expect.
import YAML from 'yaml';
import { readFileSync } from 'node:fs';

export function readYamlFile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
  try {
    return YAML.parse(text, { schema: 'failsafe' }) ?? null;
  } catch (e) {
    throw new Error(`${path}: not valid YAML: ${e.message}`);
  }
}

// A non-negative integer from a YAML string (decimal), as a Number (< 2^53) or throws.
export function toUint(value, what) {
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) throw new Error(`${what}: not an unsigned integer: ${value}`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw new Error(`${what}: ${value} is too large`);
  return n;
}

// Exactly `length` bytes from 0x-prefixed (or bare) hex.
export function toBytes(value, length, what) {
  const hex = typeof value === 'string' ? value.trim().replace(/^0x/i, '') : '';
  if (hex.length !== 2 * length || !/^[0-9a-f]*$/i.test(hex)) {
    throw new Error(`${what}: expected ${length} bytes of hex, got ${JSON.stringify(value)}`);
  }
  return Buffer.from(hex, 'hex');
}
