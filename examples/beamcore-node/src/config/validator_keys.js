// Validator keys in the cross-client ("ream/zeam") layout the reference node reads:
//   DIR/validators.yaml                                  node id -> [validator indices]
//   DIR/hash-sig-keys/validator-keys-manifest.yaml       per index: public keys (hex) and
//                                                        the attestation/proposal secret key files
//   DIR/hash-sig-keys/<files>                            leanSpec SecretKey SSZ
// Only attestation keys are loaded for signing (block proofs are the spec's mocked
// aggregates); every loaded key must match the genesis file's public key.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readYamlFile, toBytes, toUint } from './yaml.js';
import { PUBLIC_KEY_SIZE } from './genesis.js';

export function loadValidatorKeys({ beam, directory, nodeId, genesis, scheme }) {
  const validatorsPath = join(directory, 'validators.yaml');
  const manifestPath = join(directory, 'hash-sig-keys', 'validator-keys-manifest.yaml');
  if (!existsSync(manifestPath)) throw new Error(`validator keys manifest not found: ${manifestPath}`);
  const mapping = existsSync(validatorsPath) ? readYamlFile(validatorsPath) ?? {} : {};
  const assigned = mapping[nodeId] ?? [];
  if (!Array.isArray(assigned)) throw new Error(`${validatorsPath}: ${nodeId} must map to a list of indices`);
  const indices = assigned.map((v) => toUint(v, `${validatorsPath}: ${nodeId}`));
  if (indices.length === 0) return [];
  const manifest = readYamlFile(manifestPath);
  if (manifest === null || !Array.isArray(manifest.validators)) throw new Error(`${manifestPath}: no validators list`);
  const byIndex = new Map();
  for (const entry of manifest.validators) byIndex.set(toUint(entry.index, `${manifestPath}: index`), entry);
  const keys = [];
  for (const index of indices) {
    if (index >= genesis.validatorCount) {
      throw new Error(`validator ${index} of ${nodeId} is not in the genesis (${genesis.validatorCount} validators)`);
    }
    const entry = byIndex.get(index);
    if (entry === undefined) throw new Error(`validator ${index} of ${nodeId} is not in ${manifestPath}`);
    const expected = toBytes(entry.attestation_public_key_hex, PUBLIC_KEY_SIZE, `${manifestPath}: validator ${index}`);
    if (!expected.equals(genesis.attestationKeys[index])) {
      throw new Error(`validator ${index}: the manifest's attestation key is not the genesis key`);
    }
    const file = join(dirname(manifestPath), String(entry.attestation_private_key_file));
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new Error(`attestation key file of validator ${index}: ${e.message}`);
    }
    const key = beam.XmssKey.fromSsz(scheme, bytes);
    if (!key.publicKey.equals(expected)) {
      key.close();
      throw new Error(`validator ${index}: ${file} holds another key than the genesis key`);
    }
    keys.push({ index, key });
  }
  return keys;
}
