"""Node.health() / Node.last_fault() (beam_node_health_get, beam_node_last_fault) and
the node's storage (data_dir), including a storage write that fails."""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap
import unittest

import support
from support import genesis, proposer_of, slot_end

import beamcore


class HealthTest(unittest.TestCase):
    def test_a_fresh_node_is_healthy(self):
        with beamcore.Node(genesis(), validator_indices=range(4), chain_worker=True) as node:
            node.produce_block(1, 1)
            node.tick(slot_end(1))
            node.wait_idle()
            health = node.health()
            self.assertIsInstance(health, beamcore.NodeHealth)
            self.assertEqual(health, beamcore.NodeHealth(storage_failed=False, faults=0))
            self.assertIs(health.storage_failed, False)
            self.assertEqual(node.last_fault(), "")
        for call in (node.health, node.last_fault):
            with self.assertRaises(beamcore.ClosedError):
                call()


class DataDirTest(unittest.TestCase):
    def test_reopening_resumes(self):
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = pathlib.Path(tmp) / "node"  # created if missing
            with beamcore.Node(genesis(), validator_indices=range(4), chain_worker=False, data_dir=data_dir) as node:
                for slot in (1, 2, 3):
                    node.produce_block(slot, proposer_of(slot))
                    node.tick(slot_end(slot))
                head = node.head()
                self.assertEqual(node.data_dir, data_dir)
            self.assertTrue(os.listdir(data_dir))
            with beamcore.Node(genesis(), chain_worker=False, data_dir=str(data_dir)) as node:
                self.assertEqual(node.head(), head)
                self.assertEqual(node.health(), beamcore.NodeHealth(False, 0))
            with beamcore.Node(genesis(), chain_worker=False) as memory_only:
                self.assertEqual(memory_only.head().slot, 0)

    def test_full_sync_stores_and_resumes_alike(self):
        with tempfile.TemporaryDirectory() as tmp:
            with beamcore.Node(genesis(), validator_indices=range(4), chain_worker=False, data_dir=tmp,
                               storage_sync=beamcore.StorageSync.FULL) as node:
                node.produce_block(1, proposer_of(1))
                node.tick(slot_end(1))
                head = node.head()
            with beamcore.Node(genesis(), chain_worker=False, data_dir=tmp, storage_sync=beamcore.StorageSync.NORMAL) as node:
                self.assertEqual(node.head(), head)

    def test_python_checks(self):
        with self.assertRaises(ValueError):
            beamcore.Node(genesis(), data_dir="/tmp/a\0b")
        with self.assertRaises(TypeError):
            beamcore.Node(genesis(), storage_sync="full")
        with self.assertRaises(ValueError):
            beamcore.Node(genesis(), storage_sync=7)
        with self.assertRaises(TypeError):
            beamcore.Node(genesis(), data_dir=5)


# Runs in a child: RLIMIT_FSIZE makes the database's writes fail from then on (SIGXFSZ
# ignored, so write() fails with EFBIG), and the node must say so.
STORAGE_FAILURE = """
    import json, os, resource, signal, sys
    import beamcore
    data_dir = sys.argv[1]
    lines = []
    out = {}
    g = beamcore.genesis_state(0, 4)
    with beamcore.Node(g, validator_indices=range(4), chain_worker=False, data_dir=data_dir,
                       log=lambda level, message: lines.append((int(level), message))) as node:
        node.produce_block(1, 1)
        node.tick(9)
        out["before"] = [node.health().storage_failed, node.health().faults, node.last_fault()]
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        largest = max(os.path.getsize(os.path.join(data_dir, f)) for f in os.listdir(data_dir))
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest, resource.RLIM_INFINITY))
        for slot in range(2, 40):
            try:
                node.produce_block(slot, slot % 4)
                node.tick(slot * 5 + 4)
            except beamcore.BeamError as e:
                out["failed"] = [slot, type(e).__name__, e.status_name, e.message]
                break
        health = node.health()
        out["after"] = [health.storage_failed, health.faults, node.last_fault()]
        try:
            node.produce_block(slot + 1, (slot + 1) % 4)
        except beamcore.BeamError as e:
            out["next"] = [type(e).__name__, e.status_name, e.message]
        out["head"] = node.head().slot
    out["errors"] = [m for level, m in lines if level == 1]
    print(json.dumps(out))
"""


class StorageFailureTest(unittest.TestCase):
    def test_failed_write_shows_in_health(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, BEAMCORE_LIBRARY=beamcore.library_path(), PYTHONPATH=support.PYTHON_ROOT)
            r = subprocess.run([sys.executable, "-c", textwrap.dedent(STORAGE_FAILURE), tmp], env=env,
                               capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        out = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertEqual(out["before"], [False, 0, ""])
        self.assertIn("failed", out, "no storage write failed")
        slot, _, _, message = out["failed"]
        self.assertIn("storage", message)
        storage_failed, faults, last_fault = out["after"]
        self.assertTrue(storage_failed)
        self.assertEqual(faults, 1)
        self.assertTrue(last_fault.startswith("storage write failed"), last_fault)
        # From then on the node refuses to produce (or import) blocks.
        self.assertEqual(out["next"][:2], ["FailedPrecondition", "BEAM_ERR_FAILED_PRECONDITION"])
        self.assertIn("storage write failed", out["next"][2])
        self.assertLess(out["head"], slot + 1)
        # Each fault also reached the log sink as an error line.
        self.assertIn(last_fault, out["errors"])


if __name__ == "__main__":
    unittest.main()
