// A checkpoint-sync anchor must belong to our network: the same GENESIS_TIME and the
// same validator registry as config.yaml (Lstar has no deposits or exits, so the
// registry never changes). Without this a wrong --checkpoint-sync-url would start a
// node on another chain that then refuses every block of ours.
//
// Lstar State SSZ (leanSpec 43246bd6 containers/state.py): fixed part =
// config.genesis_time u64 (0) | slot u64 (8) | latest_block_header 112 (16) |
// latest_justified 40 (128) | latest_finalized 40 (168) | five u32 offsets (208):
// historical_block_hashes, justified_slots, validators, justifications_roots,
// justifications_validators. The library has decoded the state (hash_tree_root)
// before this runs; the checks here only compare, they never trust the bytes.
const FIXED_SIZE = 228;
const SLOT_OFFSET = 8;
const VALIDATORS_OFFSET_AT = 216;

function validatorsSection(state) {
  if (state.length < FIXED_SIZE) return null;
  const start = state.readUInt32LE(VALIDATORS_OFFSET_AT);
  const end = state.readUInt32LE(VALIDATORS_OFFSET_AT + 4);
  if (start < FIXED_SIZE || end < start || end > state.length) return null;
  return state.subarray(start, end);
}

/** Throws unless `anchor` (state SSZ) is of the chain `genesisState` starts. Returns its slot. */
export function checkAnchorState(anchor, genesisState) {
  if (anchor.length < FIXED_SIZE) throw new Error(`checkpoint state: ${anchor.length} bytes, not an Lstar state`);
  const anchorTime = anchor.readBigUInt64LE(0);
  const genesisTime = genesisState.readBigUInt64LE(0);
  if (anchorTime !== genesisTime) {
    throw new Error(`checkpoint state: GENESIS_TIME ${anchorTime} is not ours (${genesisTime}): another network`);
  }
  const ours = validatorsSection(genesisState);
  const theirs = validatorsSection(anchor);
  if (ours === null || theirs === null || !ours.equals(theirs)) {
    throw new Error('checkpoint state: its validator registry is not the one in our genesis config: another network');
  }
  return Number(anchor.readBigUInt64LE(SLOT_OFFSET));
}
