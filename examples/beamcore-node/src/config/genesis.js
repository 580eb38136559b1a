// The cross-client genesis file (config.yaml): GENESIS_TIME and GENESIS_VALIDATORS,
// each validator with its attestation and proposal public keys (52 bytes, hex), in
// registry order. Other keys are ignored, as the reference node does.
import { readYamlFile, toBytes, toUint } from './yaml.js';

export const PUBLIC_KEY_SIZE = 52;
const VALIDATOR_REGISTRY_LIMIT = 4096;

export function loadGenesis(path) {
  const doc = readYamlFile(path);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: expected a mapping`);
  const genesisTime = toUint(doc.GENESIS_TIME, `${path}: GENESIS_TIME`);
  const entries = doc.GENESIS_VALIDATORS;
  if (!Array.isArray(entries) || entries.length === 0) throw new Error(`${path}: GENESIS_VALIDATORS must be a non-empty list`);
  if (entries.length > VALIDATOR_REGISTRY_LIMIT) {
    throw new Error(`${path}: ${entries.length} validators exceed the registry limit ${VALIDATOR_REGISTRY_LIMIT}`);
  }
  const attestationKeys = [];
  const proposalKeys = [];
  entries.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') throw new Error(`${path}: GENESIS_VALIDATORS[${i}] is not a mapping`);
    attestationKeys.push(toBytes(entry.attestation_public_key, PUBLIC_KEY_SIZE, `${path}: validator ${i} attestation_public_key`));
    proposalKeys.push(toBytes(entry.proposal_public_key, PUBLIC_KEY_SIZE, `${path}: validator ${i} proposal_public_key`));
  });
  return { genesisTime, validatorCount: entries.length, attestationKeys, proposalKeys };
}
