"""Every error path reachable from Python: Python-side argument checks, each
beam_status the library can return to a host, raw C misuse, use after close."""

import ctypes
import threading
import unittest

import support
from support import genesis, chain, slot_start, slot_end, block_of, Recorder

import beamcore
from beamcore import TopicKind, SszType


class StatusMappingTest(unittest.TestCase):
    def test_every_status_has_its_class(self):
        expected = {
            -1: beamcore.InvalidArgument, -2: beamcore.DecodeError, -3: beamcore.Rejected,
            -4: beamcore.NotFound, -5: beamcore.Unavailable, -6: beamcore.FailedPrecondition,
            -7: beamcore.ResourceExhausted, -8: beamcore.InternalError,
        }
        for status, cls in expected.items():
            e = beamcore.error_for_status(status, "msg", "", "fn")
            self.assertIs(type(e), cls)
            self.assertIsInstance(e, beamcore.BeamError)
            self.assertEqual(e.status, status)
            self.assertEqual(beamcore.Status(status), status)
            self.assertEqual(str(e), "fn: msg")
        unknown = beamcore.error_for_status(-99)
        self.assertIs(type(unknown), beamcore.BeamError)
        self.assertEqual(unknown.status, -99)

    def test_check_ok_is_silent(self):
        beamcore.check(0)


class StatusStringTest(unittest.TestCase):
    def test_every_status_name(self):
        self.assertEqual(beamcore.status_string(0), "BEAM_OK")
        for status in beamcore.Status:
            want = "BEAM_OK" if status == 0 else "BEAM_ERR_" + status.name
            self.assertEqual(beamcore.status_string(status), want)
        for unknown in (-9, -99, 1, 2**31 - 1, -2**31):
            self.assertEqual(beamcore.status_string(unknown), "BEAM_ERR_UNKNOWN")
        with self.assertRaises(TypeError):
            beamcore.status_string("BEAM_OK")
        with self.assertRaises(ValueError):
            beamcore.status_string(2**31)

    def test_errors_carry_the_status_name(self):
        with self.assertRaises(beamcore.DecodeError) as cm:
            beamcore.hash_tree_root(SszType.CHECKPOINT, b"x")
        self.assertEqual(cm.exception.status_name, "BEAM_ERR_DECODE")
        with beamcore.Node(genesis(), validator_indices=range(4), chain_worker=False) as node:
            with self.assertRaises(beamcore.Rejected) as cm:
                node.produce_block(1, 2)
        self.assertEqual(cm.exception.status_name, "BEAM_ERR_REJECTED")
        # Made in Python: the name comes from the library on first use.
        self.assertEqual(beamcore.error_for_status(-4).status_name, "BEAM_ERR_NOT_FOUND")
        self.assertEqual(beamcore.error_for_status(-99).status_name, "BEAM_ERR_UNKNOWN")
        # Without a message, the name is the text.
        self.assertEqual(str(beamcore.error_for_status(-7, status_name="BEAM_ERR_RESOURCE_EXHAUSTED")),
                         "BEAM_ERR_RESOURCE_EXHAUSTED")


class RawCTest(unittest.TestCase):
    """The C ABI's own checks, reached by calling it through ctypes directly."""

    def setUp(self):
        self.lib = beamcore.lib()

    def assertStatus(self, status, want):
        self.assertEqual(status, want, self.lib.beam_last_error())
        if want != 0:
            self.assertTrue(self.lib.beam_last_error())
            with self.assertRaises(beamcore.error_for_status(want).__class__):
                beamcore.check(status)

    def test_null_is_a_noop_for_free_destroy_release(self):
        self.lib.beam_buffer_free(None)
        self.lib.beam_node_destroy(None)
        self.lib.beam_state_borrow_release(None)

    def test_hash_tree_root_arguments(self):
        out = (ctypes.c_uint8 * 32)()
        self.assertStatus(self.lib.beam_hash_tree_root(SszType.CHECKPOINT, None, 40, out), -1)
        self.assertStatus(self.lib.beam_hash_tree_root(99, b"x", 1, out), -1)
        self.assertStatus(self.lib.beam_hash_tree_root(SszType.CHECKPOINT, bytes(40), 40, None), -1)
        self.assertStatus(self.lib.beam_hash_tree_root(SszType.CHECKPOINT, b"x", 1, out), -2)
        self.assertStatus(self.lib.beam_hash_tree_root(SszType.CHECKPOINT, bytes(40), 40, out), 0)
        self.assertEqual(self.lib.beam_last_error(), b"")  # cleared by a success
        self.assertEqual(self.lib.beam_last_rejection(), b"")

    def test_out_pointers(self):
        self.assertStatus(self.lib.beam_genesis_state(0, None, None, 4, None), -1)
        self.assertStatus(self.lib.beam_stf_apply(None, 0, b"junk", 4, None), -1)
        out = ctypes.c_void_p()
        self.assertStatus(self.lib.beam_node_create(None, ctypes.byref(out)), -1)
        self.assertIsNone(out.value)
        cp = beamcore._ffi.BeamCheckpoint()
        self.assertStatus(self.lib.beam_node_head(None, ctypes.byref(cp)), -1)
        self.assertStatus(self.lib.beam_node_tick(None, 0), -1)
        self.assertStatus(self.lib.beam_node_wait_idle(None), -1)
        self.assertStatus(self.lib.beam_state_borrow_slot(None, ctypes.byref(ctypes.c_uint64())), -1)
        self.assertStatus(self.lib.beam_state_borrow_serialize(None, ctypes.byref(beamcore._ffi.BeamBuffer())), -1)

    def test_config_struct_size_and_enums(self):
        g = genesis()
        out = ctypes.c_void_p()
        for field, value in (("struct_size", 8), ("xmss_scheme", 7), ("proof_mode", 3)):
            config = beamcore._ffi.BeamNodeConfig()
            config.struct_size = ctypes.sizeof(config)
            config.anchor_state_ssz = g
            config.anchor_state_len = len(g)
            setattr(config, field, value)
            with self.subTest(field=field):
                self.assertStatus(self.lib.beam_node_create(ctypes.byref(config), ctypes.byref(out)), -1)
                self.assertIsNone(out.value)
        config = beamcore._ffi.BeamNodeConfig()
        config.struct_size = ctypes.sizeof(config)
        config.anchor_state_ssz = g
        config.anchor_state_len = len(g)
        config.validator_count = 2  # with validator_indices NULL
        self.assertStatus(self.lib.beam_node_create(ctypes.byref(config), ctypes.byref(out)), -1)
        # A network vtable too small for the fields this build knows.
        config.validator_count = 0
        vtable = beamcore._ffi.BeamNetworkVtable()
        vtable.struct_size = 8
        config.network = ctypes.pointer(vtable)
        self.assertStatus(self.lib.beam_node_create(ctypes.byref(config), ctypes.byref(out)), -1)

    def test_unknown_topic_kind(self):
        with beamcore.Node(genesis(), chain_worker=False) as node:
            with node._h as ptr:
                self.assertStatus(self.lib.beam_node_on_gossip(ptr, 42, b"junk", 4, b"peer"), -1)


class PythonArgumentChecksTest(unittest.TestCase):
    """Misuse is a TypeError/ValueError raised in Python, before any C call."""

    def assertPython(self, exc, fn, *args, **kwargs):
        with self.assertRaises(exc) as cm:
            fn(*args, **kwargs)
        self.assertNotIsInstance(cm.exception, beamcore.BeamError)

    def test_standalone(self):
        self.assertPython(ValueError, beamcore.hash_tree_root, 99, b"x")
        self.assertPython(TypeError, beamcore.hash_tree_root, "checkpoint", b"x")
        self.assertPython(TypeError, beamcore.hash_tree_root, SszType.CHECKPOINT, None)
        self.assertPython(TypeError, beamcore.hash_tree_root, SszType.CHECKPOINT, "text")
        self.assertPython(TypeError, beamcore.hash_tree_root, SszType.CHECKPOINT, 40)
        self.assertPython(TypeError, beamcore.stf_apply, None, b"junk")
        self.assertPython(TypeError, beamcore.stf_apply, genesis(), None)
        self.assertPython(ValueError, beamcore.genesis_state, -1, 4)
        self.assertPython(ValueError, beamcore.genesis_state, 0, 1 << 64)
        self.assertPython(TypeError, beamcore.genesis_state, 0, 4.0)
        self.assertPython(TypeError, beamcore.genesis_state, 0, True)
        # The C call has no key length: a short key buffer never reaches it.
        self.assertPython(ValueError, beamcore.genesis_state, 0, 4, attestation_keys=bytes(52 * 3))
        self.assertPython(ValueError, beamcore.genesis_state, 0, 2, proposal_keys=[bytes(52), bytes(51)])

    def test_node_constructor(self):
        self.assertPython(TypeError, beamcore.Node, None)
        self.assertPython(TypeError, beamcore.Node, genesis(), anchor_block="block")
        self.assertPython(ValueError, beamcore.Node, genesis(), validator_indices=[-1])
        self.assertPython(TypeError, beamcore.Node, genesis(), validator_indices=b"\x00\x01")
        self.assertPython(TypeError, beamcore.Node, genesis(), validator_indices=["0"])
        self.assertPython(ValueError, beamcore.Node, genesis(), xmss_scheme=2)
        self.assertPython(ValueError, beamcore.Node, genesis(), proof_mode=1)
        self.assertPython(TypeError, beamcore.Node, genesis(), network=object())

        class BadNetwork:
            publish_gossip = 5
        self.assertPython(TypeError, beamcore.Node, genesis(), network=BadNetwork())
        with self.assertRaises(TypeError):
            beamcore.StateBorrow()

    def test_node_methods(self):
        with beamcore.Node(genesis(), chain_worker=False) as node:
            self.assertPython(ValueError, node.on_gossip, 42, b"junk")
            self.assertPython(TypeError, node.on_gossip, TopicKind.BLOCK, None)
            self.assertPython(ValueError, node.on_gossip, TopicKind.BLOCK, b"junk", peer_id="a\0b")
            self.assertPython(TypeError, node.on_gossip, TopicKind.BLOCK, b"junk", peer_id=5)
            self.assertPython(ValueError, node.tick, -1)
            self.assertPython(TypeError, node.tick, "5")
            self.assertPython(ValueError, node.produce_block, 1 << 64, 0)
            self.assertPython(ValueError, node.produce_block, 1, -1)
            self.assertPython(ValueError, node.produce_attestation_data, -1)
            self.assertPython(ValueError, node.borrow_by_root, b"short")
            self.assertPython(TypeError, node.borrow_by_root, None)


class LibraryErrorsTest(unittest.TestCase):
    """Each beam_status a host can meet, raised through the Pythonic API."""

    def test_decode_errors(self):
        g = genesis()
        with self.assertRaises(beamcore.DecodeError) as cm:
            beamcore.hash_tree_root(SszType.CHECKPOINT, b"x")
        self.assertEqual(cm.exception.status, -2)
        self.assertTrue(cm.exception.message)
        self.assertEqual(cm.exception.rejection, "")
        self.assertIn(cm.exception.message, str(cm.exception))
        with self.assertRaises(beamcore.DecodeError):
            beamcore.hash_tree_root(SszType.STATE, g[:-1])
        with self.assertRaises(beamcore.DecodeError):
            beamcore.hash_tree_root(SszType.STATE, b"")
        with self.assertRaises(beamcore.DecodeError):
            beamcore.stf_apply(g, b"junk")
        with self.assertRaises(beamcore.DecodeError):
            beamcore.stf_apply(b"junk", chain(1)[1][0])
        with self.assertRaises(beamcore.DecodeError):
            beamcore.Node(b"junk")
        with self.assertRaises(beamcore.DecodeError):
            beamcore.Node(g, anchor_block=b"junk")
        with beamcore.Node(g, chain_worker=False) as inline, beamcore.Node(g, chain_worker=True) as worker:
            for node in (inline, worker):
                for kind in TopicKind:
                    with self.subTest(worker=node.chain_worker, kind=kind):
                        with self.assertRaises(beamcore.DecodeError):
                            node.on_gossip(kind, b"junk", peer_id="peer-a")

    def test_invalid_argument(self):
        with self.assertRaises(beamcore.InvalidArgument) as cm:
            beamcore.genesis_state(0, 100000)  # above the registry limit
        self.assertIn("registry limit", cm.exception.message)

    def test_wrong_proposer(self):
        with beamcore.Node(genesis(), validator_indices=range(4), chain_worker=False) as node:
            with self.assertRaises(beamcore.Rejected) as cm:
                node.produce_block(1, 2)
            self.assertEqual(cm.exception.status, -3)
            self.assertEqual(cm.exception.rejection, "WRONG_PROPOSER")
            self.assertIn("WRONG_PROPOSER", str(cm.exception))
            self.assertTrue(node.produce_block(1, 1))

    def test_anchor_mismatch(self):
        g, blocks, _, _ = chain(2)
        with self.assertRaises(beamcore.Rejected) as cm:
            beamcore.Node(g, anchor_block=block_of(blocks[1]))
        self.assertEqual(cm.exception.rejection, "ANCHOR_STATE_ROOT_MISMATCH")

    def test_stf_rejection(self):
        g, blocks, _, _ = chain(2)
        with self.assertRaises(beamcore.Rejected) as cm:
            beamcore.stf_apply(g, blocks[1])  # block 2 straight on genesis
        self.assertEqual(cm.exception.rejection, "PARENT_ROOT_MISMATCH")

    def test_not_found(self):
        with beamcore.Node(genesis(), chain_worker=False) as node:
            with self.assertRaises(beamcore.NotFound):
                node.borrow_by_root(b"\x01" + bytes(31))

    def test_unavailable_future_block(self):
        g, blocks, roots, _ = chain(1)
        with beamcore.Node(g, chain_worker=False) as node:  # clock at slot 0
            with self.assertRaises(beamcore.Unavailable) as cm:
                node.on_gossip(TopicKind.BLOCK, blocks[0])
            self.assertIn("waits for its slot", cm.exception.message)
            node.tick(slot_end(1))  # the pending block is imported when its slot comes
            self.assertEqual(node.head(), beamcore.Checkpoint(roots[0], 1))

    def test_unknown_parent_requests_it(self):
        g, blocks, roots, _ = chain(2)
        network = Recorder()
        with beamcore.Node(g, chain_worker=False, network=network) as node:
            node.tick(slot_start(2))
            with self.assertRaises(beamcore.Rejected) as cm:
                node.on_gossip(TopicKind.BLOCK, blocks[1], peer_id=b"peer")
            self.assertEqual(cm.exception.rejection, "UNKNOWN_PARENT_BLOCK")
            self.assertEqual(network.requested, [roots[0]])  # inline: during the call
            node.on_gossip(TopicKind.BLOCK, blocks[0])  # the parent; the cached child follows
            node.tick(slot_end(2))
            self.assertEqual(node.head(), beamcore.Checkpoint(roots[1], 2))

    def test_failed_precondition_block_before_anchor(self):
        g, blocks, roots, states = chain(2)
        with beamcore.Node(states[1], anchor_block=block_of(blocks[1]), chain_worker=False) as node:
            self.assertEqual(node.head(), beamcore.Checkpoint(roots[1], 2))
            self.assertEqual(node.finalized().slot, 2)
            with self.assertRaises(beamcore.FailedPrecondition) as cm:
                node.on_gossip(TopicKind.BLOCK, blocks[0])
            self.assertIn("finalized", cm.exception.message)

    def test_resource_exhausted_full_block_queue(self):
        # Hold the chain thread inside a (deliberately blocking) request_block callback,
        # then fill the worker's block queue.
        g, blocks, roots, _ = chain(2)
        entered, release = threading.Event(), threading.Event()

        class Blocking:
            def request_block(self, root):
                entered.set()
                release.wait(60)

        with beamcore.Node(g, chain_worker=True, network=Blocking()) as node:
            node.tick(slot_start(2))
            node.wait_idle()
            node.on_gossip(TopicKind.BLOCK, blocks[1])
            self.assertTrue(entered.wait(30), "request_block was not called")
            try:
                with self.assertRaises(beamcore.ResourceExhausted) as cm:
                    for _ in range(2000):
                        node.on_gossip(TopicKind.BLOCK, blocks[1])
                self.assertIn("queue", cm.exception.message)
            finally:
                release.set()
            node.wait_idle()
            node.on_gossip(TopicKind.BLOCK, blocks[0])
            node.tick(slot_end(2))
            node.wait_idle()
            self.assertEqual(node.head(), beamcore.Checkpoint(roots[1], 2))


class UseAfterCloseTest(unittest.TestCase):
    def test_node_methods_after_close(self):
        node = beamcore.Node(genesis(), validator_indices=range(4), chain_worker=False)
        node.close()
        node.close()  # idempotent
        self.assertTrue(node.closed)
        self.assertIn("closed", repr(node))
        calls = [
            lambda: node.tick(1), lambda: node.on_gossip(TopicKind.BLOCK, b"x"), node.wait_idle,
            lambda: node.produce_block(1, 1), lambda: node.produce_attestation_data(1),
            node.head, node.justified, node.finalized, node.metrics_text,
            node.borrow_head, node.borrow_finalized, lambda: node.borrow_by_root(bytes(32)),
        ]
        for call in calls:
            with self.assertRaises(beamcore.ClosedError):
                call()
        self.assertTrue(issubclass(beamcore.ClosedError, ValueError))

    def test_context_manager_closes(self):
        with beamcore.Node(genesis()) as node:
            self.assertFalse(node.closed)
        self.assertTrue(node.closed)
        with self.assertRaises(beamcore.ClosedError):
            node.head()

    def test_borrow_after_release_and_after_node_close(self):
        with beamcore.Node(genesis(), chain_worker=False) as node:
            borrow = node.borrow_head()
            with node.borrow_finalized() as fin:
                self.assertEqual(fin.slot, 0)
            self.assertTrue(fin.released)
        # The node is gone; the borrow holds its own reference.
        self.assertEqual(borrow.slot, 0)
        self.assertEqual(borrow.validator_count, 4)
        self.assertEqual(borrow.serialize(), genesis())
        borrow.release()
        borrow.release()  # idempotent
        for call in (lambda: borrow.slot, lambda: borrow.validator_count, lambda: borrow.latest_justified,
                     lambda: borrow.latest_finalized, borrow.serialize):
            with self.assertRaises(beamcore.ClosedError):
                call()
        self.assertIn("released", repr(borrow))

    def test_garbage_collected_node_and_borrow(self):
        import gc
        node = beamcore.Node(genesis(), chain_worker=True, network=Recorder())
        borrow = node.borrow_head()
        finalizer = node._finalizer
        del node
        gc.collect()
        self.assertFalse(finalizer.alive)
        self.assertEqual(borrow.slot, 0)
        del borrow
        gc.collect()

    def test_close_waits_for_calls_in_flight(self):
        g, blocks, _, _ = chain(2)
        entered, release = threading.Event(), threading.Event()

        class Blocking:
            def request_block(self, root):
                entered.set()
                release.wait(60)

        node = beamcore.Node(g, chain_worker=True, network=Blocking())
        node.tick(slot_start(2))
        node.on_gossip(TopicKind.BLOCK, blocks[1])
        self.assertTrue(entered.wait(30))
        results = []

        def waiter():
            try:
                node.wait_idle()  # blocks in C until the callback returns
                results.append("idle")
            except beamcore.ClosedError:
                results.append("closed")

        t = threading.Thread(target=waiter)
        t.start()
        t.join(0.2)
        closer = threading.Thread(target=node.close)
        closer.start()
        closer.join(0.2)
        release.set()
        t.join(30)
        closer.join(30)
        self.assertFalse(t.is_alive())
        self.assertFalse(closer.is_alive())
        self.assertEqual(len(results), 1)
        self.assertTrue(node.closed)
        with self.assertRaises(beamcore.ClosedError):
            node.wait_idle()


class HandleBaseTest(unittest.TestCase):
    """Every handle-owning class shares one base: close() idempotent, use after close
    raises ClosedError, the context manager closes, garbage collection frees."""

    CLASSES = (beamcore.Node, beamcore.StateBorrow, beamcore.XmssKey, beamcore.LockedMap, beamcore.BlockCache)

    def test_one_base_class(self):
        for cls in self.CLASSES:
            self.assertTrue(issubclass(cls, beamcore._handle.Closable), cls)
            for name in ("close", "closed", "__enter__", "__exit__"):
                self.assertNotIn(name, vars(cls), f"{cls.__name__} re-implements {name}")

    def make_all(self):
        node = beamcore.Node(genesis(), chain_worker=False)
        return [node, node.borrow_head(), beamcore.XmssKey.generate(beamcore.XmssScheme.TEST, bytes(32), 0, 8),
                beamcore.LockedMap(), beamcore.BlockCache()]

    def test_use_after_close(self):
        objects = self.make_all()
        node, borrow, key, locked_map, cache = objects
        calls = [node.head, lambda: borrow.slot, lambda: key.sign(1, bytes(32)), lambda: key.public_key,
                 lambda: locked_map.get(b"k"), cache.count]
        for obj in objects:
            self.assertFalse(obj.closed)
            obj.close()
            obj.close()  # idempotent
            self.assertTrue(obj.closed)
            self.assertRegex(repr(obj), "closed|released")
        for call in calls:
            with self.assertRaises(beamcore.ClosedError) as cm:
                call()
            self.assertIn("closed", str(cm.exception))

    def test_context_managers_close(self):
        for obj in self.make_all():
            with obj as entered:
                self.assertIs(entered, obj)
                self.assertFalse(obj.closed)
            self.assertTrue(obj.closed, type(obj).__name__)

    def test_finalizers_free(self):
        import gc
        objects = self.make_all()
        handles = [obj._h for obj in objects]
        self.assertTrue(all(h.ptr is not None and not h.closed for h in handles))
        del objects
        gc.collect()
        for handle in handles:
            self.assertTrue(handle.closed, handle.what)
            self.assertIsNone(handle.ptr, handle.what)


class CallbackTest(unittest.TestCase):
    def test_exceptions_in_callbacks_are_logged_and_swallowed(self):
        g, blocks, roots, _ = chain(2)

        class Raising:
            def request_block(self, root):
                raise RuntimeError("boom from the host")

        with beamcore.Node(g, chain_worker=False, network=Raising()) as node:
            node.tick(slot_start(2))
            with self.assertLogs("beamcore", "ERROR") as logs:
                with self.assertRaises(beamcore.Rejected):
                    node.on_gossip(TopicKind.BLOCK, blocks[1])
            self.assertIn("boom from the host", "\n".join(logs.output))
            self.assertEqual(node.head().slot, 0)  # still usable

    def test_callback_must_not_call_its_own_node(self):
        g, blocks, _, _ = chain(2)

        class Reentrant:
            node = None

            def request_block(self, root):
                self.node.head()

        network = Reentrant()
        for worker in (False, True):
            with self.subTest(worker=worker), beamcore.Node(g, chain_worker=worker, network=network) as node:
                network.node = node
                node.tick(slot_start(2))
                node.wait_idle()
                with self.assertLogs("beamcore", "ERROR") as logs:
                    try:
                        node.on_gossip(TopicKind.BLOCK, blocks[1])
                    except beamcore.Rejected:
                        pass
                    node.wait_idle()
                self.assertIn("must not call back", "\n".join(logs.output))

    def test_worker_callbacks_run_on_the_chain_thread(self):
        g, blocks, roots, _ = chain(2)
        threads = []

        class Net(Recorder):
            def request_block(self, root):
                threads.append(threading.get_ident())
                super().request_block(root)

        network = Net()
        with beamcore.Node(g, chain_worker=True, network=network) as node:
            node.tick(slot_start(2))
            node.on_gossip(TopicKind.BLOCK, blocks[1])  # accepted for processing
            node.wait_idle()
        self.assertEqual(network.requested, [roots[0]])
        self.assertNotEqual(threads, [threading.get_ident()])

    def test_publish_gossip_wrapper(self):
        # The library publishes only aggregates, which need signed attestations the C
        # API cannot make; drive the installed ctypes callback directly instead.
        network = Recorder()
        with beamcore.Node(genesis(), network=network) as node:
            functions = node._h.keepalive.functions
            c_publish, c_request = functions["publish_gossip"], functions["request_block"]
            payload = ctypes.create_string_buffer(b"\x01\x02\x03", 3)
            c_publish(TopicKind.AGGREGATE, ctypes.addressof(payload), 3, None)
            c_publish(TopicKind.BLOCK, None, 0, None)
            c_publish(77, ctypes.addressof(payload), 1, None)
            root = ctypes.create_string_buffer(bytes(range(32)), 32)
            c_request(ctypes.addressof(root), None)
        self.assertEqual(network.published, [(TopicKind.AGGREGATE, b"\x01\x02\x03"), (TopicKind.BLOCK, b""), (77, b"\x01")])
        self.assertIs(type(network.published[0][0]), TopicKind)
        self.assertEqual(network.requested, [bytes(range(32))])

    def test_partial_network(self):
        class PublishOnly:
            def publish_gossip(self, kind, data):
                pass

        with beamcore.Node(genesis(), network=PublishOnly()) as node:
            functions = node._h.keepalive.functions
            self.assertTrue(functions["publish_gossip"])
            for name in ("request_block", "send_request", "send_response_chunk", "send_response_end",
                         "report_peer"):
                self.assertFalse(functions[name], name)  # NULL in the vtable
            vtable = node._h.keepalive.vtables["network"]
            self.assertEqual(vtable.struct_size, ctypes.sizeof(beamcore._ffi.BeamNetworkVtable))
            self.assertFalse(vtable.report_peer)


if __name__ == "__main__":
    unittest.main()
