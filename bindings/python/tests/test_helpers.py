"""The standalone helpers: version, hash_tree_root, genesis_state, stf_apply."""

import re
import unittest

import support
from support import genesis, chain, block_of, checkpoint_root_reference, Recorder, slot_start, slot_end

import beamcore
from beamcore import SszType, TopicKind


class VersionTest(unittest.TestCase):
    def test_version(self):
        v = beamcore.version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")
        major, minor, patch = map(int, v.split("."))
        self.assertEqual(beamcore.version_number(), (major << 16) | (minor << 8) | patch)
        self.assertEqual(major, beamcore._ffi.ABI_MAJOR)

    def test_library_path(self):
        self.assertRegex(beamcore.library_path(), r"beamcore")
        self.assertIs(beamcore.load(), beamcore.lib())


class HashTreeRootTest(unittest.TestCase):
    def test_checkpoint_known_answer(self):
        expected = checkpoint_root_reference(bytes(32), 0)
        self.assertEqual(expected.hex(), "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b")
        self.assertEqual(beamcore.hash_tree_root(SszType.CHECKPOINT, bytes(40)), expected)

    def test_checkpoint_nonzero(self):
        root = bytes(range(32))
        data = root + (123456789).to_bytes(8, "little")
        self.assertEqual(beamcore.hash_tree_root(SszType.CHECKPOINT, data), checkpoint_root_reference(root, 123456789))

    def test_bytes_like_inputs(self):
        expected = beamcore.hash_tree_root(SszType.CHECKPOINT, bytes(40))
        self.assertEqual(beamcore.hash_tree_root(SszType.CHECKPOINT, bytearray(40)), expected)
        self.assertEqual(beamcore.hash_tree_root(SszType.CHECKPOINT, memoryview(bytes(80))[::2]), expected)
        self.assertEqual(beamcore.hash_tree_root(5, bytes(40)), expected)  # a plain int type

    def test_block_root_is_head_root(self):
        _, blocks, roots, _ = chain(3)
        for signed, root in zip(blocks, roots):
            self.assertEqual(beamcore.hash_tree_root(SszType.BLOCK, block_of(signed)), root)
            self.assertNotEqual(beamcore.hash_tree_root(SszType.SIGNED_BLOCK, signed), root)
            self.assertEqual(beamcore.block_root(signed), root)  # beam_block_root
            self.assertEqual(beamcore.block_root(bytearray(signed)), root)
        with self.assertRaises(beamcore.DecodeError):
            beamcore.block_root(b"junk")
        with self.assertRaises(TypeError):
            beamcore.block_root(None)

    def test_attestation_data(self):
        _, _, roots, _ = chain(1)
        with beamcore.Node(genesis(), validator_indices=range(4), chain_worker=False) as node:
            node.produce_block(1, 1)
            node.tick(slot_end(1))
            data = node.produce_attestation_data(1)
        slot, head, target, source = support.decode_attestation_data(data)
        self.assertEqual((slot, head), (1, beamcore.Checkpoint(roots[0], 1)))
        self.assertEqual(len(beamcore.hash_tree_root(SszType.ATTESTATION_DATA, data)), 32)


class GenesisTest(unittest.TestCase):
    def test_deterministic_and_sized(self):
        a = beamcore.genesis_state(0, 4)
        self.assertEqual(a, beamcore.genesis_state(0, 4))
        self.assertNotEqual(a, beamcore.genesis_state(1, 4))
        self.assertNotEqual(a, beamcore.genesis_state(0, 5))
        self.assertEqual(len(beamcore.hash_tree_root(SszType.STATE, a)), 32)
        with beamcore.Node(a, chain_worker=False) as node, node.borrow_head() as state:
            self.assertEqual(state.validator_count, 4)
            self.assertEqual(state.slot, 0)
            self.assertEqual(state.serialize(), a)

    def test_zero_validators(self):
        self.assertTrue(beamcore.genesis_state(0, 0))

    def test_keys(self):
        att = b"".join(bytes([i]) * 52 for i in range(1, 4))
        prop = [bytes([0x80 + i]) * 52 for i in range(3)]
        with_keys = beamcore.genesis_state(7, 3, attestation_keys=att, proposal_keys=prop)
        zero = beamcore.genesis_state(7, 3)
        self.assertEqual(len(with_keys), len(zero))
        self.assertNotEqual(with_keys, zero)
        self.assertIn(att[:52], with_keys)
        self.assertIn(prop[2], with_keys)
        self.assertEqual(beamcore.genesis_state(7, 3, attestation_keys=bytes(52 * 3), proposal_keys=bytes(52 * 3)), zero)


class StfTest(unittest.TestCase):
    def test_stf_matches_the_head_state_of_an_importing_node(self):
        g, blocks, roots, states = chain(3)
        with beamcore.Node(g, chain_worker=True) as node:
            pre = g
            for slot, block in enumerate(blocks, start=1):
                post = beamcore.stf_apply(pre, block)
                node.tick(slot_start(slot))
                node.on_gossip(TopicKind.BLOCK, block, peer_id="producer")
                node.tick(slot_end(slot))
                node.wait_idle()
                with node.borrow_head() as head:
                    self.assertEqual(head.slot, slot)
                    self.assertEqual(head.serialize(), post)
                self.assertEqual(post, states[slot - 1])
                # The block commits to its post-state.
                self.assertEqual(beamcore.hash_tree_root(SszType.STATE, post), block_of(block)[48:80])
                pre = post

    def test_stf_skips_empty_slots(self):
        # A block of slot 3 built on genesis (slots 1 and 2 empty) by a fresh producer.
        g = genesis()
        with beamcore.Node(g, validator_indices=range(4), chain_worker=False) as node:
            block = node.produce_block(3, 3)
        post = beamcore.stf_apply(g, block)
        with beamcore.Node(g, chain_worker=False) as node:
            node.tick(slot_start(3))
            node.on_gossip(TopicKind.BLOCK, block)
            node.tick(slot_end(3))
            with node.borrow_head() as head:
                self.assertEqual(head.slot, 3)
                self.assertEqual(head.serialize(), post)


if __name__ == "__main__":
    unittest.main()
