"""Shared test helpers: makes `beamcore` importable from the source tree and builds
small chains. Not a test module (unittest discovers test_*.py only)."""

import functools
import hashlib
import os
import queue
import struct
import sys
import threading
import time

PYTHON_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
# BEAMCORE_TEST_INSTALLED=1: test the installed package (pip install), not the source tree.
INSTALLED = os.environ.get("BEAMCORE_TEST_INSTALLED") == "1"
if not INSTALLED and PYTHON_ROOT not in sys.path:
    sys.path.insert(0, PYTHON_ROOT)

import beamcore  # noqa: E402

if INSTALLED and os.path.abspath(beamcore.__file__).startswith(PYTHON_ROOT + os.sep):
    raise RuntimeError(f"BEAMCORE_TEST_INSTALLED=1 but beamcore was imported from the source tree: {beamcore.__file__}")

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


def wait_until(predicate, timeout=20.0, interval=0.005):
    """Polls `predicate` until it is truthy (returned) or `timeout` seconds pass (then the
    last falsy value is returned). For conditions reached on other threads."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


@functools.lru_cache(maxsize=None)
def xmss_keys(tag, count=VALIDATORS, num_active_slots=64):
    """Deterministic TEST-scheme keys: (attestation keys, proposal keys) of `count`
    validators, from seeds sha256(tag || b"attest"/b"propose" || index). One set per
    `tag` (a test module), so no two tests sign different messages for one slot."""
    def key(kind, i):
        seed = hashlib.sha256(tag + kind + i.to_bytes(8, "little")).digest()
        return beamcore.XmssKey.generate(beamcore.XmssScheme.TEST, seed, 0, num_active_slots)
    return (tuple(key(b"attest", i) for i in range(count)), tuple(key(b"propose", i) for i in range(count)))


@functools.lru_cache(maxsize=None)
def keyed_genesis(tag, count=VALIDATORS):
    """A genesis state whose validators have the real public keys of xmss_keys(tag)."""
    attest, propose = xmss_keys(tag, count)
    return beamcore.genesis_state(0, count, attestation_keys=[k.public_key for k in attest],
                                  proposal_keys=[k.public_key for k in propose])


class ReqRespNetwork:
    """An in-memory host network (gossip and req/resp) between the nodes of one process.

    A node calls its endpoint's methods from its chain thread, its clock thread or the
    thread calling into it, and must not be called back from there: the endpoint only
    records and enqueues (thread-safe), and pump() delivers from the test's thread.
    Request ids are per node, so the network gives each forwarded request a wire id of
    its own and routes the responder's answer back to the requester under the
    requester's id (as a real host maps ids to streams)."""

    class Endpoint:
        def __init__(self, network, name):
            self.network, self.name = network, name

        def publish_gossip(self, kind, data):
            with self.network.lock:
                self.network.published.append((self.name, kind, data))
            self.network._enqueue(("gossip", self.name, kind, data))

        def request_block(self, root):
            with self.network.lock:
                self.network.block_requests.append((self.name, root))

        def send_request(self, peer_id, protocol, payload, request_id):
            with self.network.lock:
                self.network.requests.append((self.name, peer_id, protocol, payload, request_id))
            self.network._enqueue(("request", self.name, peer_id, protocol, payload, request_id))

        def send_response_chunk(self, wire_id, payload):
            self.network._enqueue(("chunk", self.name, wire_id, payload))

        def send_response_end(self, wire_id, result):
            self.network._enqueue(("end", self.name, wire_id, result))

        def report_peer(self, peer_id, action, reason):
            with self.network.lock:
                self.network.reports.append((self.name, peer_id, action, reason))

    def __init__(self):
        self.lock = threading.Lock()
        self.inbox = queue.Queue()
        self.nodes = {}
        self.silent = set()        # nodes whose incoming requests are dropped unanswered
        self.requests = []         # (from, to, protocol, payload, request id) as sent
        self.published = []        # (from, TopicKind, data) gossip as published
        self.reports = []          # (reporter, peer, action, reason)
        self.block_requests = []   # (node, root)
        self.errors = []           # (what, exception) of deliveries the receiver refused
        self._routes = {}          # wire id -> (requester, its request id)
        self._next_wire_id = 1_000_000

    def endpoint(self, name):
        return ReqRespNetwork.Endpoint(self, name)

    def attach(self, name, node):
        self.nodes[name] = node

    def _enqueue(self, message):
        self.inbox.put(message)

    def requests_of(self, sender, protocol=None):
        with self.lock:
            return [r for r in self.requests if r[0] == sender and (protocol is None or r[2] == protocol)]

    def reports_by(self, reporter):
        with self.lock:
            return [r[1:] for r in self.reports if r[0] == reporter]

    def _deliver(self, message):
        kind = message[0]
        try:
            if kind == "gossip":
                _, sender, topic, data = message
                for name, node in self.nodes.items():
                    if name != sender:
                        node.on_gossip(topic, data, peer_id=sender)
            elif kind == "request":
                _, sender, to, protocol, payload, request_id = message
                if to in self.silent or to not in self.nodes:
                    return
                wire_id, self._next_wire_id = self._next_wire_id, self._next_wire_id + 1
                self._routes[wire_id] = (sender, request_id)
                self.nodes[to].on_request(sender, protocol, payload, wire_id)
            elif kind == "chunk":
                _, _, wire_id, payload = message
                requester, request_id = self._routes[wire_id]
                self.nodes[requester].on_response_chunk(request_id, payload)
            elif kind == "end":
                _, _, wire_id, result = message
                requester, request_id = self._routes.pop(wire_id)
                self.nodes[requester].on_response_end(request_id, result)
        except beamcore.BeamError as e:
            self.errors.append((message[:3], e))

    def pump(self, rounds=1000):
        """Delivers until nothing is queued and every node is idle; returns the count."""
        delivered = 0
        for _ in range(rounds):
            while True:
                try:
                    message = self.inbox.get_nowait()
                except queue.Empty:
                    break
                self._deliver(message)
                delivered += 1
            for node in self.nodes.values():
                node.wait_idle()
            if self.inbox.empty():
                return delivered
        raise AssertionError("the network did not go quiet")


def run_voting_slots(test, a, b, net, keys, slots, sender="a"):
    """Drives two nodes over `net` (a ReqRespNetwork with a and b attached) through
    `slots`, as the chain tests do: A (every validator, aggregator) proposes and the
    host gossips the block; at interval 1 every validator signs A's attestation data
    with its XMSS key (beamcore.XmssKey.sign_attestation) and the vote goes to both
    nodes; at interval 2 A aggregates and publishes the aggregate (delivered to B);
    then both nodes run to the end of the slot."""
    gossip = net.endpoint(sender)
    for slot in slots:
        block = a.produce_block(slot, proposer_of(slot, len(keys)))
        b.tick(slot_start(slot))
        gossip.publish_gossip(beamcore.TopicKind.BLOCK, block)
        net.pump()
        test.assertEqual(b.head().slot, slot)
        a.tick(slot_start(slot) + 1)
        b.tick(slot_start(slot) + 1)
        data = a.produce_attestation_data(slot)
        for index, key in enumerate(keys):
            vote = key.sign_attestation(index, data)
            a.on_gossip(beamcore.TopicKind.ATTESTATION, vote)  # the validator's own node
            gossip.publish_gossip(beamcore.TopicKind.ATTESTATION, vote)
        net.pump()
        a.tick(slot_start(slot) + 2)  # aggregation: publish_gossip(AGGREGATE) from A's node
        b.tick(slot_start(slot) + 2)
        net.pump()
        a.tick(slot_end(slot))
        b.tick(slot_end(slot))
        net.pump()
        test.assertEqual(net.errors, [], f"slot {slot}")
        test.assertEqual(b.head(), a.head(), f"slot {slot}")
