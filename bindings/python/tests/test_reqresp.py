"""Req/resp through a Python in-memory network: catch-up sync by Status, BlocksByRange
and BlocksByRoot; request timeouts; responses that were not asked for; serving."""

import struct
import unittest

import support
from support import ReqRespNetwork, chain, genesis, proposer_of, slot_end, slot_start

import beamcore
from beamcore import PeerAction, ReqProtocol, RespCode

AHEAD = 20  # slots node A produces before B starts
BATCH = 8   # B's range_sync_batch


def status_of(node):
    """A Status SSZ {finalized: Checkpoint, head: Checkpoint} of `node`."""
    fin, head = node.finalized(), node.head()
    return fin.root + struct.pack("<Q", fin.slot) + head.root + struct.pack("<Q", head.slot)


def range_request(start, count):
    return struct.pack("<QQ", start, count)


def roots_request(roots):
    # BlocksByRootRequest {roots: List[Root]}: one offset, then the roots.
    return struct.pack("<I", 4) + b"".join(roots)


class CatchUpSyncTest(unittest.TestCase):
    def test_late_node_catches_up_by_range_then_root(self):
        net = ReqRespNetwork()
        g = genesis()
        with beamcore.Node(g, validator_indices=range(support.VALIDATORS), chain_worker=False,
                           network=net.endpoint("a")) as a:
            net.attach("a", a)
            for slot in range(1, AHEAD + 1):
                a.produce_block(slot, proposer_of(slot))
            a.tick(slot_end(AHEAD))
            self.assertEqual(a.head().slot, AHEAD)

            # B starts later, from the same genesis, with a worker thread.
            with beamcore.Node(g, chain_worker=True, network=net.endpoint("b"), range_sync_batch=BATCH) as b:
                net.attach("b", b)
                b.tick(slot_end(AHEAD))
                b.wait_idle()
                self.assertEqual(b.head().slot, 0)
                a.peer_connected("b")
                b.peer_connected("a")
                delivered = net.pump()

                self.assertEqual(net.errors, [])
                self.assertEqual(b.head(), a.head())
                self.assertEqual(b.finalized(), a.finalized())
                self.assertGreater(delivered, AHEAD)
                # Both asked each other for a Status first.
                self.assertEqual(len(net.requests_of("a", ReqProtocol.STATUS)), 1)
                self.assertEqual(len(net.requests_of("b", ReqProtocol.STATUS)), 1)
                # B was far behind: it fetched by range, in batches of at most BATCH slots.
                ranges = [struct.unpack("<QQ", r[3]) for r in net.requests_of("b", ReqProtocol.BLOCKS_BY_RANGE)]
                self.assertGreaterEqual(len(ranges), 2, ranges)
                self.assertTrue(all(1 <= count <= BATCH for _, count in ranges), ranges)
                self.assertEqual(ranges[0][0], 1)
                # Consecutive batches, no slot asked for twice.
                for (start, count), (next_start, _) in zip(ranges, ranges[1:]):
                    self.assertEqual(next_start, start + count)
                self.assertTrue(all(r[1] == "a" for r in net.requests_of("b")))
                # A, ahead, fetched nothing from B; nobody was reported.
                self.assertEqual(net.requests_of("a", ReqProtocol.BLOCKS_BY_RANGE), [])
                self.assertEqual(net.reports, [])
                self.assertEqual(b.callback_errors, [])
                # B's state is A's.
                with a.borrow_head() as sa, b.borrow_head() as sb:
                    self.assertEqual(sa.serialize(), sb.serialize())

                # A produces one more block: B, one slot behind, fetches it by root.
                a.produce_block(AHEAD + 1, proposer_of(AHEAD + 1))
                a.tick(slot_end(AHEAD + 1))
                b.tick(slot_end(AHEAD + 1))
                b.peer_disconnected("a")
                a.peer_disconnected("b")
                with self.assertRaises(beamcore.NotFound):
                    b.peer_disconnected("a")
                before = len(net.requests_of("b", ReqProtocol.BLOCKS_BY_ROOT))
                b.peer_connected("a")
                a.peer_connected("b")
                net.pump()
                self.assertEqual(net.errors, [])
                self.assertEqual(b.head(), a.head())
                self.assertEqual(b.head().slot, AHEAD + 1)
                by_root = net.requests_of("b", ReqProtocol.BLOCKS_BY_ROOT)[before:]
                self.assertEqual(len(by_root), 1)
                self.assertEqual(by_root[0][3], roots_request([a.head().root]))


class ServingTest(unittest.TestCase):
    """on_request: the answers a node sends through send_response_chunk/_end."""

    class Responses:
        def __init__(self):
            self.chunks, self.ends, self.reports = [], [], []

        def send_response_chunk(self, request_id, payload):
            self.chunks.append((request_id, payload))

        def send_response_end(self, request_id, result):
            self.ends.append((request_id, result))

        def report_peer(self, peer_id, action, reason):
            self.reports.append((peer_id, action, reason))

    def setUp(self):
        self.g, self.blocks, self.roots, _ = chain(6)
        self.out = self.Responses()
        self.node = beamcore.Node(self.g, chain_worker=False, network=self.out)
        self.node.tick(slot_end(6))
        for block in self.blocks:
            self.node.on_gossip(beamcore.TopicKind.BLOCK, block)
        self.assertEqual(self.node.head().slot, 6)

    def tearDown(self):
        self.node.close()

    def test_status(self):
        self.node.on_request("peer", ReqProtocol.STATUS, status_of(self.node), 7)
        self.assertEqual(self.out.chunks, [(7, status_of(self.node))])
        self.assertEqual(self.out.ends, [(7, RespCode.SUCCESS)])
        self.assertIs(type(self.out.ends[0][1]), RespCode)

    def test_blocks_by_range_in_slot_order(self):
        self.node.on_request("peer", ReqProtocol.BLOCKS_BY_RANGE, range_request(2, 3), 1 << 63)
        self.assertEqual(self.out.chunks, [(1 << 63, b) for b in self.blocks[1:4]])
        self.assertEqual(self.out.ends, [(1 << 63, RespCode.SUCCESS)])
        # Past the head: what there is.
        self.node.on_request("peer", ReqProtocol.BLOCKS_BY_RANGE, range_request(5, 100), 2)
        self.assertEqual([c for i, c in self.out.chunks if i == 2], list(self.blocks[4:]))

    def test_blocks_by_root(self):
        unknown = b"\x42" * 32
        self.node.on_request(None, ReqProtocol.BLOCKS_BY_ROOT, roots_request([self.roots[2], unknown, self.roots[0]]), 3)
        self.assertEqual(self.out.chunks, [(3, self.blocks[2]), (3, self.blocks[0])])
        self.assertEqual(self.out.ends, [(3, RespCode.SUCCESS)])

    def test_bad_requests(self):
        with self.assertRaises(beamcore.InvalidArgument):
            self.node.on_request("peer", ReqProtocol.BLOCKS_BY_RANGE, range_request(1, 0), 4)
        self.assertEqual(self.out.ends[-1], (4, RespCode.INVALID_REQUEST))
        with self.assertRaises(beamcore.DecodeError):
            self.node.on_request("peer", ReqProtocol.STATUS, b"junk", 5)
        self.assertEqual(self.out.ends[-1], (5, RespCode.INVALID_REQUEST))
        self.assertEqual(self.out.reports[-1][:2], ("peer", PeerAction.LOW_TOLERANCE))
        self.assertIs(type(self.out.reports[-1][1]), PeerAction)
        self.assertIn("undecodable", self.out.reports[-1][2])
        self.assertEqual(self.out.chunks, [])

    def test_python_argument_checks(self):
        node = self.node
        for exc, call in (
            (ValueError, lambda: node.on_request("p", 9, b"", 1)),         # unknown protocol
            (TypeError, lambda: node.on_request("p", "status", b"", 1)),
            (TypeError, lambda: node.on_request("p", ReqProtocol.STATUS, None, 1)),
            (ValueError, lambda: node.on_request("p", ReqProtocol.STATUS, b"", -1)),
            (ValueError, lambda: node.on_request("p\0q", ReqProtocol.STATUS, b"", 1)),
            (TypeError, lambda: node.peer_connected(None)),
            (TypeError, lambda: node.peer_connected(42)),
            (ValueError, lambda: node.peer_disconnected("a\0")),
            (ValueError, lambda: node.on_response_chunk(1 << 64, b"")),
            (TypeError, lambda: node.on_response_chunk(1, "text")),
            (ValueError, lambda: node.on_response_end(1, 1 << 31)),
            (TypeError, lambda: node.on_response_end(1, None)),
        ):
            with self.assertRaises(exc):
                call()
        self.assertEqual(self.out.ends, [])  # nothing reached the library


class ExpiryAndRefusalTest(unittest.TestCase):
    TIMEOUT_MS = 2000  # node time: 3 intervals of 800 ms (rounded up)

    def setUp(self):
        self.net = ReqRespNetwork()
        self.g, self.blocks, self.roots, _ = chain(3)

    def make(self, name, **kwargs):
        node = beamcore.Node(self.g, network=self.net.endpoint(name), request_timeout_ms=self.TIMEOUT_MS, **kwargs)
        self.addCleanup(node.close)
        self.net.attach(name, node)
        return node

    def test_unanswered_request_expires(self):
        for worker in (False, True):
            with self.subTest(worker=worker):
                self.net = ReqRespNetwork()
                node = self.make("b", chain_worker=worker)
                node.tick(slot_start(1))
                node.peer_connected("a")  # sends a Status request, which nobody answers
                (_, to, protocol, payload, request_id), = self.net.requests_of("b")
                self.assertEqual((to, protocol), ("a", ReqProtocol.STATUS))
                self.assertEqual(payload, status_of(node))

                # Within the timeout: nothing happens.
                node.tick(slot_start(1) + 2)
                node.wait_idle()
                self.assertEqual(self.net.reports, [])
                # 2000 ms = 2.5 intervals: expired once node time is 3 intervals on.
                node.tick(slot_start(1) + 3)
                reports = support.wait_until(lambda: self.net.reports_by("b"))
                self.assertEqual(len(reports), 1, reports)
                peer, action, reason = reports[0]
                self.assertEqual((peer, action), ("a", PeerAction.MID_TOLERANCE))
                self.assertIn("timed out", reason)
                # The late answer is for an expired request.
                with self.assertRaises(beamcore.NotFound):
                    node.on_response_chunk(request_id, status_of(node))
                with self.assertRaises(beamcore.NotFound):
                    node.on_response_end(request_id, RespCode.SUCCESS)
                self.assertEqual(node.callback_errors, [])

    def test_unrequested_chunk_is_refused_and_reported(self):
        # B (at genesis, 3 slots behind: near) asks A's status, then A's head by root;
        # "A" answers the block request with a block B did not ask for.
        with beamcore.Node(self.g, chain_worker=False) as a:
            b = self.make("b", chain_worker=False)
            b.tick(slot_end(3))
            b.peer_connected("a")
            (_, _, _, _, status_id), = self.net.requests_of("b")
            a.tick(slot_end(3))
            for slot in range(1, 4):
                a.on_gossip(beamcore.TopicKind.BLOCK, self.blocks[slot - 1])
            b.on_response_chunk(status_id, status_of(a))
            b.on_response_end(status_id, RespCode.SUCCESS)
            (_, to, protocol, payload, roots_id), = self.net.requests_of("b", ReqProtocol.BLOCKS_BY_ROOT)
            self.assertEqual((to, payload), ("a", roots_request([self.roots[2]])))

            with self.assertRaises(beamcore.BeamError) as cm:
                b.on_response_chunk(roots_id, self.blocks[0])  # not the block asked for
            self.assertIn("not requested", cm.exception.message)
            (peer, action, reason), = self.net.reports_by("b")
            self.assertEqual((peer, action), ("a", PeerAction.MID_TOLERANCE))
            self.assertIn("not requested", reason)
            # An undecodable chunk: provably invalid data.
            with self.assertRaises(beamcore.DecodeError):
                b.on_response_chunk(roots_id, b"junk")
            self.assertEqual(self.net.reports_by("b")[1][:2], ("a", PeerAction.LOW_TOLERANCE))
            # The right block is still accepted, then the stream ends.
            b.on_response_chunk(roots_id, self.blocks[2])
            b.on_response_end(roots_id, RespCode.SUCCESS)
            with self.assertRaises(beamcore.NotFound):
                b.on_response_end(roots_id, RespCode.SUCCESS)
            # Never-issued ids.
            with self.assertRaises(beamcore.NotFound):
                b.on_response_chunk(424242, self.blocks[0])

    def test_server_error_is_reported(self):
        b = self.make("b", chain_worker=False)
        b.peer_connected("a")
        (_, _, _, _, status_id), = self.net.requests_of("b")
        b.on_response_end(status_id, RespCode.SERVER_ERROR)
        self.assertEqual(self.net.reports_by("b")[0][:2], ("a", PeerAction.HIGH_TOLERANCE))


if __name__ == "__main__":
    unittest.main()
