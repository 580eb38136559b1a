"""Plain values the binding returns or hands to host callbacks."""

import collections
import dataclasses

Checkpoint = collections.namedtuple("Checkpoint", ["root", "slot"])
Checkpoint.__doc__ = "A (root: bytes, slot: int) checkpoint (beam_checkpoint)."


@dataclasses.dataclass(frozen=True)
class NodeHealth:
    """A node's own failures (beam_node_health; Node.health()).

    storage_failed: a storage write failed; the node now refuses to import or produce
                    blocks (FailedPrecondition)
    faults:         failures so far (each also logged as an error line); the last one's
                    message is Node.last_fault()
    """
    storage_failed: bool
    faults: int


# Host crypto (beam_crypto_vtable): what the callbacks of Node's `crypto` object get.
ProofWithKeys = collections.namedtuple("ProofWithKeys", ["proof", "public_keys"])
ProofWithKeys.__doc__ = ("An existing single-message proof (bytes) and the 52-byte public keys it covers (a "
                         "list): a child of aggregate_single_message, over the aggregate's message and slot.")
RawSignature = collections.namedtuple("RawSignature", ["public_key", "signature"])
RawSignature.__doc__ = "A validator's raw XMSS signature (SSZ bytes) and its 52-byte public key."
MessageComponent = collections.namedtuple("MessageComponent", ["public_keys", "message", "slot"])
MessageComponent.__doc__ = ("One component of a block's multi-message proof (verify_multi_message): the keys "
                            "(52-byte values) that signed the 32-byte `message` at `slot`.")
MergeComponent = collections.namedtuple("MergeComponent", ["proof", "public_keys", "message", "slot"])
MergeComponent.__doc__ = ("One input of merge_multi_message: a single-message `proof` (bytes) by `public_keys` "
                          "over the 32-byte `message` at `slot`. The last component of a produced block is the "
                          "proposer's part: an empty proof over the block root at the block's slot with the "
                          "proposer's proposal key, which the host signs and folds in.")
