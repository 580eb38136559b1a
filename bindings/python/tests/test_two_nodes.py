"""Two nodes in one process, connected by a Python in-memory network."""

import queue
import threading
import unittest

import support
from support import genesis, slot_start, slot_end, proposer_of, decode_attestation_data

import beamcore
from beamcore import Checkpoint, SszType, TopicKind

SLOTS = 8
ATTESTATION_SLOTS = 3


class InMemoryNetwork:
    """Gossip between the nodes of one process. Callbacks only enqueue (they run on a
    node's chain thread and must neither block nor call back into a node); the test
    thread delivers with deliver()."""

    class Endpoint:
        def __init__(self, network, name):
            self.network, self.name = network, name
            self.requests = []

        def publish_gossip(self, kind, data):
            self.network.inbox.put((self.name, kind, data))

        def request_block(self, root):
            self.requests.append(root)

    def __init__(self):
        self.inbox = queue.Queue()
        self.nodes = {}
        self.delivered = 0

    def endpoint(self, name):
        return InMemoryNetwork.Endpoint(self, name)

    def attach(self, name, node):
        self.nodes[name] = node

    def broadcast(self, sender, kind, data):
        for name, node in self.nodes.items():
            if name != sender:
                node.on_gossip(kind, data, peer_id=sender)
                self.delivered += 1

    def deliver(self):
        while True:
            try:
                sender, kind, data = self.inbox.get_nowait()
            except queue.Empty:
                return
            self.broadcast(sender, kind, data)


class TwoNodesTest(unittest.TestCase):
    def setUp(self):
        self.genesis = genesis()
        self.net = InMemoryNetwork()
        self.a = beamcore.Node(self.genesis, validator_indices=range(support.VALIDATORS), chain_worker=False,
                               network=self.net.endpoint("a"))
        self.b = beamcore.Node(self.genesis, chain_worker=True, network=self.net.endpoint("b"))
        self.net.attach("a", self.a)
        self.net.attach("b", self.b)

    def tearDown(self):
        self.a.close()
        self.b.close()

    def run_slot(self, slot, attest=False):
        a, b = self.a, self.b
        block = a.produce_block(slot, proposer_of(slot))
        self.assertEqual(support.block_slot(block), slot)
        b.tick(slot_start(slot))
        self.net.broadcast("a", TopicKind.BLOCK, block)  # A -> B via on_gossip
        data = None
        if attest:
            # Interval 1: attestation time. Producing attestation data updates the
            # head first, so the producer votes for the block it just made.
            a.tick(slot_start(slot) + 1)
            vote = a.produce_attestation_data(slot)
            data = (a.head(), vote)
        a.tick(slot_end(slot))
        b.tick(slot_end(slot))
        self.net.deliver()
        b.wait_idle()
        head_a, head_b = a.head(), b.head()
        self.assertEqual(head_a, head_b, f"slot {slot}")
        self.assertEqual(head_a.slot, slot)
        self.assertEqual(beamcore.hash_tree_root(SszType.BLOCK, support.block_of(block)), head_a.root)
        return block, head_a, data

    def test_heads_agree_every_slot(self):
        blocks = []
        for slot in range(1, SLOTS + 1):
            block, head, _ = self.run_slot(slot)
            blocks.append(block)
            self.assertEqual(self.a.justified(), self.b.justified())
            self.assertEqual(self.a.finalized(), self.b.finalized())
        self.assertEqual(self.net.delivered, SLOTS)
        self.assertEqual(self.net.nodes["b"].head().slot, SLOTS)
        # Neither node was missing a parent.
        self.assertEqual(self.a.network.requests + self.b.network.requests, [])

        # B's state equals the standalone STF over the delivered blocks.
        state = self.genesis
        for block in blocks:
            state = beamcore.stf_apply(state, block)
        with self.b.borrow_head() as head_state:
            self.assertEqual(head_state.serialize(), state)
            self.assertEqual(head_state.slot, SLOTS)

        metrics = self.b.metrics_text()
        self.assertIn(f"lean_head_slot {SLOTS}", metrics)
        self.assertIn("# TYPE", metrics)

    def test_attestation_data_and_state_borrows(self):
        for slot in range(1, ATTESTATION_SLOTS + 1):
            block, head, (head_then, data) = self.run_slot(slot, attest=True)
            att_slot, att_head, target, source = decode_attestation_data(data)
            self.assertEqual(att_slot, slot)
            self.assertEqual(att_head, head_then)  # the head of A's fork choice
            self.assertEqual(att_head.slot, slot)  # the block A just proposed
            self.assertLessEqual(source.slot, target.slot)
            self.assertLessEqual(target.slot, slot)
            # At the end of the slot A's head is the block, and so is the vote.
            att_slot, att_head, target, source = decode_attestation_data(self.a.produce_attestation_data(slot))
            self.assertEqual((att_slot, att_head), (slot, head))
            self.assertEqual(source, self.a.justified())

            with self.b.borrow_head() as b_state, self.a.borrow_head() as a_state:
                self.assertEqual(b_state.slot, slot)
                self.assertEqual(b_state.validator_count, support.VALIDATORS)
                serialized = b_state.serialize()
                self.assertEqual(serialized, a_state.serialize())
                self.assertEqual(b_state.latest_justified, a_state.latest_justified)
                self.assertEqual(b_state.latest_finalized, a_state.latest_finalized)
                self.assertEqual(b_state.latest_finalized.slot, 0)
            # The block commits to that state; a borrow by root sees the same one.
            self.assertEqual(beamcore.hash_tree_root(SszType.STATE, serialized), support.block_of(block)[48:80])
            with self.b.borrow_by_root(head.root) as by_root:
                self.assertEqual(by_root.serialize(), serialized)
        with self.b.borrow_finalized() as fin:
            self.assertEqual(fin.slot, 0)
            self.assertEqual(fin.serialize(), self.genesis)
        with self.b.borrow_by_root(self.b.finalized().root) as anchor:
            self.assertEqual(anchor.serialize(), self.genesis)

    def test_borrows_from_another_thread(self):
        for slot in range(1, 3):
            self.run_slot(slot)
        borrow = self.b.borrow_head()
        results = []

        def read():
            results.append((borrow.slot, len(borrow.serialize())))

        t = threading.Thread(target=read)
        t.start()
        t.join(30)
        self.b.close()  # the borrow survives its node
        self.assertEqual(results, [(2, len(borrow.serialize()))])
        borrow.release()


if __name__ == "__main__":
    unittest.main()
