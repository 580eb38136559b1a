"""The node's host hooks other than the network: the log sink, the host clock, and what
happens to exceptions raised inside callbacks."""

import ctypes
import logging
import re
import threading
import unittest

import support
from support import ReqRespNetwork, chain, genesis, slot_end, slot_start, wait_until

import beamcore
from beamcore import LogLevel, MS_PER_INTERVAL, MS_PER_SLOT, TopicKind


class LogLines:
    """A thread-safe log callable."""

    def __init__(self):
        self.lock = threading.Lock()
        self.lines = []

    def __call__(self, level, message):
        with self.lock:
            self.lines.append((level, message))

    def snapshot(self):
        with self.lock:
            return list(self.lines)

    def matching(self, pattern):
        return [(level, m) for level, m in self.snapshot() if re.search(pattern, m)]


class LogSinkTest(unittest.TestCase):
    def test_lines_and_max_level(self):
        sinks = {level: LogLines() for level in LogLevel}
        nodes = []
        for level, sink in sinks.items():
            net = ReqRespNetwork()
            node = beamcore.Node(genesis(), chain_worker=False, network=net.endpoint("n"), log=sink, log_level=level,
                                 request_timeout_ms=MS_PER_INTERVAL)
            nodes.append(node)
            node.tick(1)
            node.peer_connected("peer-1")  # INFO "peer connected: peer-1"; its Status request goes unanswered
            node.tick(3)                   # WARN: the request timed out
        for node in nodes:
            node.close()

        for level, sink in sinks.items():
            with self.subTest(level=level):
                lines = sink.snapshot()
                self.assertTrue(all(isinstance(l, LogLevel) and l <= level for l, _ in lines), lines)
                self.assertTrue(all(isinstance(m, str) and "\n" not in m for _, m in lines))
                timed_out = sink.matching(r"^request \d+ to peer-1 timed out")
                self.assertEqual([l for l, _ in timed_out], [] if level < LogLevel.WARN else [LogLevel.WARN])
                connected = sink.matching(r"peer connected: peer-1")
                self.assertEqual([l for l, _ in connected], [] if level < LogLevel.INFO else [LogLevel.INFO])
                if level < LogLevel.WARN:
                    self.assertEqual(lines, [])
        self.assertTrue(any(l == LogLevel.DEBUG for l, _ in sinks[LogLevel.DEBUG].snapshot()))
        self.assertLess(len(sinks[LogLevel.INFO].snapshot()), len(sinks[LogLevel.DEBUG].snapshot()))

    def test_python_logger(self):
        g, blocks, _, _ = chain(2)
        logger = logging.getLogger("beamcore.test.node")
        with self.assertLogs(logger, "DEBUG") as logs:
            with beamcore.Node(g, chain_worker=True, log=logger, log_level=LogLevel.DEBUG) as node:
                node.tick(slot_end(2))
                node.on_gossip(TopicKind.BLOCK, blocks[0])
                node.on_gossip(TopicKind.BLOCK, blocks[1])
                node.wait_idle()
                self.assertEqual(node.head().slot, 2)
        records = logs.records
        self.assertTrue(any(r.levelno == logging.INFO and "node created" in r.getMessage() for r in records))
        self.assertTrue(any(r.levelno == logging.DEBUG and "imported block" in r.getMessage() for r in records))

    def test_log_callback_errors_are_recorded(self):
        def bad_log(level, message):
            raise ValueError("log sink is broken")

        with self.assertLogs("beamcore", "ERROR") as logs:
            node = beamcore.Node(genesis(), chain_worker=False, log=bad_log)
            node.peer_connected("p")
        self.assertIn("log sink is broken", "\n".join(logs.output))
        errors = node.callback_errors
        self.assertGreaterEqual(len(errors), 2)  # "node created", "peer connected"
        self.assertEqual({e.callback for e in errors}, {"log"})
        self.assertIsInstance(errors[0].exception, ValueError)
        node.close()
        self.assertEqual(len(node.callback_errors), len(errors))  # still readable after close


class ClockTest(unittest.TestCase):
    def test_node_follows_the_host_clock(self):
        g, blocks, roots, _ = chain(3)
        now = [2 * MS_PER_SLOT + 1]  # slot 2, interval 0 (genesis_time 0)
        threads = set()

        def clock():
            threads.add(threading.get_ident())
            return now[0]

        def current_slot(node):
            m = re.search(r"^lean_current_slot (\d+)", node.metrics_text(), re.M)
            return int(m.group(1)) if m else None

        for worker in (True, False):
            now[0] = 2 * MS_PER_SLOT + 1  # before the node exists: its clock thread reads at once
            with self.subTest(worker=worker), beamcore.Node(g, chain_worker=worker, clock=clock) as node:
                self.assertTrue(wait_until(lambda: current_slot(node) == 2))
                # Blocks 1 and 2 import; block 3 waits for its slot.
                for block in blocks:
                    try:
                        node.on_gossip(TopicKind.BLOCK, block)
                    except beamcore.Unavailable:
                        self.assertFalse(worker)  # inline: "waits for its slot"
                node.wait_idle()
                self.assertEqual(node.head().slot, 2)
                # One slot on (the end of slot 3): the node ticks itself and imports block 3.
                now[0] = 3 * MS_PER_SLOT + 4 * MS_PER_INTERVAL
                self.assertTrue(wait_until(lambda: node.head().slot == 3))
                self.assertEqual(node.head(), beamcore.Checkpoint(roots[2], 3))
                self.assertEqual(current_slot(node), 3)
                self.assertEqual(node.callback_errors, [])
        self.assertNotIn(threading.get_ident(), threads)  # read on the node's clock thread

    def test_failing_clock_stands_still(self):
        state = {"now": 1 * MS_PER_SLOT, "fail": False}

        def clock():
            if state["fail"]:
                raise OSError("clock source gone")
            return state["now"]

        with self.assertLogs("beamcore", "ERROR"):
            with beamcore.Node(genesis(), clock=clock) as node:
                self.assertTrue(wait_until(lambda: "lean_current_slot 1" in node.metrics_text()))
                state["fail"] = True
                self.assertTrue(wait_until(lambda: node.callback_errors))
                state["fail"] = False
                state["now"] = 5 * MS_PER_SLOT
                self.assertTrue(wait_until(lambda: "lean_current_slot 5" in node.metrics_text()))
                with self.assertRaises(beamcore.CallbackError) as cm:
                    node.raise_callback_errors()
                self.assertEqual(cm.exception.callback, "clock")
                self.assertIsInstance(cm.exception.__cause__, OSError)
                self.assertIs(cm.exception.exception, cm.exception.__cause__)
                node.raise_callback_errors()  # cleared: a no-op now

    def test_clock_values(self):
        # Floats are truncated; a negative or non-number result is a callback error.
        for value, ok in ((1.5 * MS_PER_SLOT, True), (-5, False), ("soon", False)):
            with self.subTest(value=value):
                logger = logging.getLogger("beamcore")
                previous, logger.disabled = logger.disabled, True
                try:
                    with beamcore.Node(genesis(), clock=lambda: value) as node:
                        if ok:
                            self.assertTrue(wait_until(lambda: "lean_current_slot 1" in node.metrics_text()))
                            self.assertEqual(node.callback_errors, [])
                        else:
                            self.assertTrue(wait_until(lambda: node.callback_errors))
                            self.assertIsInstance(node.callback_errors[0].exception, (ValueError, TypeError))
                finally:
                    logger.disabled = previous


class CallbackErrorsTest(unittest.TestCase):
    def test_network_errors_are_recorded_and_raised_on_request(self):
        g, blocks, _, _ = chain(2)

        class Raising:
            def request_block(self, root):
                raise RuntimeError("no route to host")

            def report_peer(self, peer_id, action, reason):
                raise KeyError(peer_id)

        with self.assertLogs("beamcore", "ERROR"):
            with beamcore.Node(g, chain_worker=False, network=Raising()) as node:
                node.tick(slot_start(2))
                with self.assertRaises(beamcore.Rejected):
                    node.on_gossip(TopicKind.BLOCK, blocks[1], peer_id="p")  # unknown parent
                with self.assertRaises(beamcore.DecodeError):
                    node.on_gossip(TopicKind.BLOCK, b"junk", peer_id="p")  # reported: LOW_TOLERANCE
                self.assertEqual([e.callback for e in node.callback_errors],
                                 ["network.request_block", "network.report_peer"])
                with self.assertRaises(beamcore.CallbackError) as cm:
                    node.raise_callback_errors()
                self.assertEqual(cm.exception.callback, "network.request_block")
                self.assertIn("no route to host", str(cm.exception))
                self.assertEqual([e.callback for e in cm.exception.others], ["network.report_peer"])
                self.assertEqual(node.callback_errors, [])
                self.assertEqual(node.head().slot, 0)  # the node is fine

    def test_recorded_errors_are_bounded(self):
        class Raising:
            def report_peer(self, peer_id, action, reason):
                raise RuntimeError(peer_id)

        logger = logging.getLogger("beamcore")
        previous, logger.disabled = logger.disabled, True
        try:
            with beamcore.Node(genesis(), chain_worker=False, network=Raising()) as node:
                for i in range(100):
                    with self.assertRaises(beamcore.DecodeError):
                        node.on_gossip(TopicKind.BLOCK, b"junk", peer_id=f"p{i}")
                errors = node.callback_errors
        finally:
            logger.disabled = previous
        self.assertEqual(len(errors), 64)
        self.assertEqual(str(errors[-1].exception), "p99")  # the newest kept


class ConstructorChecksTest(unittest.TestCase):
    def test_python_side_checks(self):
        g = genesis()

        class Crypto:
            def verify_single_message(self, keys, message, slot, proof):
                return True

        for exc, kwargs in (
            (ValueError, dict(proof_mode=beamcore.ProofMode.HOST)),          # HOST needs crypto
            (ValueError, dict(proof_mode=beamcore.ProofMode.MOCKED, crypto=Crypto())),
            (TypeError, dict(crypto=object())),                               # no crypto method
            (TypeError, dict(clock=5)),
            (TypeError, dict(log="stderr")),
            (ValueError, dict(log=print, log_level=9)),
            (TypeError, dict(log=print, log_level="debug")),
            (ValueError, dict(request_timeout_ms=-1)),
            (ValueError, dict(request_timeout_ms=1 << 32)),
            (TypeError, dict(range_sync_batch=1.5)),
        ):
            with self.subTest(**{k: repr(v) for k, v in kwargs.items()}):
                with self.assertRaises(exc):
                    beamcore.Node(g, **kwargs)

    def test_library_side_checks(self):
        with self.assertRaises(beamcore.InvalidArgument) as cm:
            beamcore.Node(genesis(), range_sync_batch=1025)
        self.assertIn("1024", cm.exception.message)
        with beamcore.Node(genesis(), range_sync_batch=1024, request_timeout_ms=1):
            pass

    def test_proof_mode_follows_crypto(self):
        class Crypto:
            def verify_single_message(self, keys, message, slot, proof):
                return True

            def verify_multi_message(self, components, proof):
                return True

            def aggregate_single_message(self, children, raw, message, slot):
                return b"proof"

            def merge_multi_message(self, components):
                return b"proof"

        with beamcore.Node(genesis(), crypto=Crypto()) as node:
            self.assertEqual(node.proof_mode, beamcore.ProofMode.HOST)
            functions = node._h.keepalive.functions
            for name in ("verify_single_message", "verify_multi_message", "aggregate_single_message",
                         "merge_multi_message"):
                self.assertTrue(functions[name], name)
            vtable = node._h.keepalive.vtables["crypto"]
            self.assertEqual(vtable.struct_size, ctypes.sizeof(beamcore._ffi.BeamCryptoVtable))
        with beamcore.Node(genesis()) as node:
            self.assertEqual(node.proof_mode, beamcore.ProofMode.MOCKED)

    def test_crypto_needs_all_four_methods(self):
        # beamcore.h: all four callbacks are required with BEAM_PROOFS_HOST.
        class VerifyOnly:
            def verify_single_message(self, keys, message, slot, proof):
                return True

        with self.assertRaises(TypeError) as cm:
            beamcore.Node(genesis(), crypto=VerifyOnly())
        for name in ("verify_multi_message", "aggregate_single_message", "merge_multi_message"):
            self.assertIn(name, str(cm.exception))
        self.assertNotIn("lacks verify_single_message", str(cm.exception))

if __name__ == "__main__":
    unittest.main()
