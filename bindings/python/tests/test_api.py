"""The lean HTTP API (beam_api_handle) through Node.api / beamcore.api_handle: every
route, the HTTP error answers, the aggregator switch deciding whether the node
aggregates, and the argument errors."""

import ctypes
import unittest

import support
from support import ReqRespNetwork, Recorder, keyed_genesis, run_voting_slots, slot_start, xmss_keys

import beamcore
from beamcore import TopicKind

TAG = b"lean-api"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


class RoutesTest(unittest.TestCase):
    def setUp(self):
        self.node = beamcore.Node(support.genesis(), validator_indices=range(4), chain_worker=False)
        self.addCleanup(self.node.close)
        self.node.produce_block(1, 1)
        self.node.tick(support.slot_end(1))

    def test_health(self):
        for path in ("/lean/v0/health", "/lean/v0/health?probe=1"):
            r = self.node.api("GET", path)
            self.assertIsInstance(r, beamcore.ApiResponse)
            self.assertEqual((r.status_code, r.content_type), (200, "application/json"))
            self.assertEqual(r.json(), {"status": "healthy", "service": "lean-rpc-api"})
            self.assertEqual(r.allow, "")

    def test_checkpoints_and_fork_choice_agree_with_the_node(self):
        justified, head = self.node.justified(), self.node.head()
        r = self.node.api("GET", "/lean/v0/checkpoints/justified")
        self.assertEqual(r.json(), {"slot": justified.slot, "root": "0x" + justified.root.hex()})
        tree = self.node.api("GET", "/lean/v0/fork_choice").json()
        self.assertEqual(tree["head"], "0x" + head.root.hex())
        self.assertEqual(tree["validator_count"], 4)
        self.assertIn("0x" + head.root.hex(), [n["root"] for n in tree["nodes"]])

    def test_finalized_state_is_the_borrowed_state(self):
        r = self.node.api("GET", "/lean/v0/states/finalized")
        self.assertEqual((r.status_code, r.content_type), (200, "application/octet-stream"))
        with self.node.borrow_finalized() as state:
            self.assertEqual(r.body, state.serialize())
        # The genesis anchor has no signed block.
        r = self.node.api("GET", "/lean/v0/blocks/finalized")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r.json()["code"], 404)

    def test_metrics_and_head(self):
        r = self.node.api("GET", "/metrics")
        self.assertEqual((r.status_code, r.content_type), (200, PROMETHEUS))
        self.assertIn("lean_node_info{", r.text)
        self.assertIn("lean_validators_count ", r.text)
        head = self.node.api("HEAD", "/metrics")
        self.assertEqual((head.status_code, head.content_type, head.body), (200, PROMETHEUS, b""))

    def test_http_errors(self):
        r = self.node.api("GET", "/lean/v0/nope")
        self.assertEqual((r.status_code, r.json()), (404, {"code": 404, "message": "Not Found"}))
        r = self.node.api("DELETE", "/lean/v0/admin/aggregator")
        self.assertEqual((r.status_code, r.allow), (405, "GET, HEAD, POST"))
        r = self.node.api("POST", "/metrics")
        self.assertEqual((r.status_code, r.allow), (405, "GET, HEAD"))
        for body, message in ((b"not json", "Invalid JSON body"), ('{"on":true}', "Missing 'enabled' field in body"),
                              (bytearray(b'{"enabled":0}'), "'enabled' must be a boolean")):
            r = self.node.api("POST", "/lean/v0/admin/aggregator", body)
            self.assertEqual((r.status_code, r.json()), (400, {"code": 400, "message": message}))

    def test_module_function(self):
        r = beamcore.api_handle(self.node, "GET", "/lean/v0/health")
        self.assertEqual(r, self.node.api("GET", "/lean/v0/health"))


class ArgumentsTest(unittest.TestCase):
    def test_python_checks(self):
        with beamcore.Node(support.genesis(), chain_worker=False) as node:
            with self.assertRaises(ValueError):
                node.api("GET", "/lean/v0/health\0x")
            with self.assertRaises(TypeError):
                node.api(None, "/lean/v0/health")
            with self.assertRaises(TypeError):
                node.api("POST", "/lean/v0/admin/aggregator", 5)
            with self.assertRaises(TypeError):
                beamcore.api_handle(object(), "GET", "/lean/v0/health")
        with self.assertRaises(beamcore.ClosedError):
            node.api("GET", "/lean/v0/health")

    def test_raw_struct_size_and_free(self):
        lib = beamcore.lib()
        with beamcore.Node(support.genesis(), chain_worker=False) as node, node._h as ptr:
            r = beamcore._ffi.BeamApiResponse()
            self.assertEqual(lib.beam_api_response_init(ctypes.byref(r), ctypes.sizeof(r)), 0)
            self.assertEqual(r.struct_size, ctypes.sizeof(r))
            self.assertEqual(lib.beam_api_handle(ptr, b"GET", b"/metrics", None, 0, ctypes.byref(r)), 0)
            # The library's fields are where the binding reads them.
            self.assertEqual(r.status_code, 200)
            self.assertEqual(ctypes.string_at(r.content_type.data), PROMETHEUS.encode())  # NUL-terminated
            self.assertEqual(r.content_type.len, len(PROMETHEUS))
            self.assertGreater(r.body.len, 0)
            lib.beam_api_response_free(ctypes.byref(r))
            self.assertFalse(r.body.data or r.content_type.data or r.allow.data)
            r.struct_size = ctypes.sizeof(ctypes.c_size_t)
            status = lib.beam_api_handle(ptr, b"GET", b"/lean/v0/health", None, 0, ctypes.byref(r))
            self.assertEqual(status, beamcore.Status.INVALID_ARGUMENT)
            self.assertTrue(lib.beam_last_error())
            r.struct_size = ctypes.sizeof(r)
            status = lib.beam_api_handle(ptr, b"POST", b"/lean/v0/admin/aggregator", None, 5, ctypes.byref(r))
            self.assertEqual(status, beamcore.Status.INVALID_ARGUMENT)
            self.assertFalse(r.body.data or r.content_type.data)
            lib.beam_api_response_free(None)


class AggregatorSwitchTest(unittest.TestCase):
    def vote_and_aggregate(self, node, keys, slot):
        node.tick(slot_start(slot) + 1)
        data = node.produce_attestation_data(slot)
        node.on_gossip(TopicKind.ATTESTATION, keys[1].sign_attestation(1, data), peer_id="peer")
        node.tick(slot_start(slot) + 3)

    def test_switch_decides_aggregation(self):
        attest, _ = xmss_keys(TAG)
        network = Recorder()
        with beamcore.Node(keyed_genesis(TAG), chain_worker=False, network=network) as node:
            def aggregates():
                return [d for kind, d in network.published if kind == TopicKind.AGGREGATE]

            self.assertEqual(node.api("GET", "/lean/v0/admin/aggregator").json(), {"is_aggregator": False})
            self.vote_and_aggregate(node, attest, 1)
            self.assertEqual(aggregates(), [])
            r = node.api("POST", "/lean/v0/admin/aggregator", '{"enabled": true}')
            self.assertEqual(r.json(), {"is_aggregator": True, "previous": False})
            self.assertEqual(node.api("GET", "/lean/v0/admin/aggregator").json(), {"is_aggregator": True})
            self.vote_and_aggregate(node, attest, 2)
            self.assertEqual(len(aggregates()), 1)
            r = node.api("POST", "/lean/v0/admin/aggregator", b'{"enabled": false}')
            self.assertEqual(r.json(), {"is_aggregator": False, "previous": True})
            self.vote_and_aggregate(node, attest, 3)
            self.assertEqual(len(aggregates()), 1)


class FinalizedBlockTest(unittest.TestCase):
    def test_finalized_block_route(self):
        attest, _ = xmss_keys(TAG + b"-finalized")
        genesis = keyed_genesis(TAG + b"-finalized")
        net = ReqRespNetwork()
        with beamcore.Node(genesis, validator_indices=range(4), is_aggregator=True, chain_worker=False,
                           network=net.endpoint("a")) as a, \
                beamcore.Node(genesis, chain_worker=False, network=net.endpoint("b")) as b:
            net.attach("a", a)
            net.attach("b", b)
            run_voting_slots(self, a, b, net, attest, range(1, 6))
            finalized = b.finalized()
            self.assertGreater(finalized.slot, 0)
            r = b.api("GET", "/lean/v0/blocks/finalized")
            self.assertEqual((r.status_code, r.content_type), (200, "application/octet-stream"))
            self.assertEqual(beamcore.block_root(r.body), finalized.root)
            self.assertEqual(support.block_slot(r.body), finalized.slot)


if __name__ == "__main__":
    unittest.main()
