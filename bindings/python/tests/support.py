"""Shared test helpers: makes `beamcore` importable from the source tree and builds
small chains. Not a test module (unittest discovers test_*.py only)."""

import functools
import hashlib
import os
import struct
import sys

PYTHON_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
if PYTHON_ROOT not in sys.path:
    sys.path.insert(0, PYTHON_ROOT)

import beamcore  # noqa: E402

VALIDATORS = 4
IPS = beamcore.INTERVALS_PER_SLOT


def slot_start(slot):
    return slot * IPS


def slot_end(slot):
    return slot * IPS + IPS - 1


def proposer_of(slot, validators=VALIDATORS):
    return slot % validators


def u64(data, offset=0):
    return struct.unpack_from("<Q", data, offset)[0]


def u32(data, offset=0):
    return struct.unpack_from("<I", data, offset)[0]


def block_of(signed_block):
    """The Block SSZ inside a SignedBlock SSZ (a container of two variable-size fields:
    two 4-byte offsets, then block, then proof)."""
    start, end = u32(signed_block, 0), u32(signed_block, 4)
    return signed_block[start:end]


def block_slot(signed_block):
    return u64(block_of(signed_block), 0)


def decode_attestation_data(data):
    """AttestationData {slot, head, target, source}: (slot, [Checkpoint] * 3)."""
    assert len(data) == 8 + 3 * 40, len(data)
    cps = [beamcore.Checkpoint(data[8 + 40 * i: 8 + 40 * i + 32], u64(data, 8 + 40 * i + 32)) for i in range(3)]
    return u64(data, 0), cps[0], cps[1], cps[2]


def checkpoint_root_reference(root, slot):
    """hash_tree_root(Checkpoint{root, slot}) computed in Python: a container of two
    fixed 32-byte chunks, merkleized as sha256(root || pad32(uint64_le(slot)))."""
    return hashlib.sha256(bytes(root) + struct.pack("<Q", slot).ljust(32, b"\0")).digest()


@functools.lru_cache(maxsize=None)
def genesis():
    return beamcore.genesis_state(0, VALIDATORS)


@functools.lru_cache(maxsize=None)
def chain(n):
    """(genesis, [SignedBlock SSZ of slots 1..n], [block roots], [post-state SSZ]) built
    by an inline node running every validator."""
    g = genesis()
    blocks, roots, states = [], [], []
    with beamcore.Node(g, validator_indices=range(VALIDATORS), chain_worker=False) as node:
        for slot in range(1, n + 1):
            blocks.append(node.produce_block(slot, proposer_of(slot)))
            node.tick(slot_end(slot))
            head = node.head()
            assert head.slot == slot, head
            roots.append(head.root)
            with node.borrow_head() as state:
                states.append(state.serialize())
    return g, tuple(blocks), tuple(roots), tuple(states)


class Recorder:
    """A network object recording what a node asks of the host."""

    def __init__(self):
        self.published = []
        self.requested = []

    def publish_gossip(self, kind, data):
        self.published.append((kind, data))

    def request_block(self, root):
        self.requested.append(root)
