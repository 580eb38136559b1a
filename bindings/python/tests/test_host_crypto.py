"""ProofMode.HOST: the node's aggregate proofs made and checked by a Python crypto
object (beam_crypto_vtable, results returned through beam_bytes_sink_append)."""

import collections
import hashlib
import logging
import struct
import threading
import unittest

import support
from support import ReqRespNetwork, keyed_genesis, run_voting_slots, xmss_keys

import beamcore
from beamcore import (InvalidProof, MergeComponent, MessageComponent, ProofWithKeys, RawSignature, SszType, TopicKind,
                      XmssScheme)

TAG = b"host-crypto"


def single_proof(public_keys, message, slot):
    """A trivial, self-consistent single-message "proof": binds the (sorted) keys, the
    message and the slot. Not a signature of anything: a stand-in for leanMultisig."""
    digest = hashlib.sha256(message + struct.pack("<Q", slot) + b"".join(sorted(public_keys))).digest()
    return b"PYPROOF" + digest


class PyCrypto:
    """Proofs: single = b"PYPROOF" + sha256(message, slot, keys); a block's multi-message
    proof = b"PYMULTI" + the length-prefixed component proofs. merge_multi_message gets
    each component's message and slot: it checks every attestation proof against them
    and "signs" the proposer's part (an empty proof over the block root at the block's
    slot) with the same trivial single proof; verify_multi_message checks every part
    against the message and slot the verifying node derives from the block."""

    def __init__(self, single_valid=True, multi_valid=True):
        self.single_valid, self.multi_valid = single_valid, multi_valid
        self.lock = threading.Lock()
        self.calls = collections.Counter()
        self.merged = []  # the components merge_multi_message got

    def count(self, name):
        with self.lock:
            self.calls[name] += 1

    def verify_single_message(self, public_keys, message, slot, proof):
        self.count("verify_single_message")
        assert all(len(k) == beamcore.PUBLIC_KEY_SIZE for k in public_keys) and len(message) == 32
        return self.single_valid and proof == single_proof(public_keys, message, slot)

    def aggregate_single_message(self, children, raw, message, slot):
        self.count("aggregate_single_message")
        keys = []
        for child in children:
            assert isinstance(child, ProofWithKeys)
            if child.proof != single_proof(child.public_keys, message, slot):
                raise InvalidProof("a child proof does not verify")
            keys += child.public_keys
        for signature in raw:
            assert isinstance(signature, RawSignature)
            if not beamcore.xmss_verify(XmssScheme.TEST, signature.public_key, slot, message, signature.signature):
                raise InvalidProof("a raw signature does not verify")
            keys.append(signature.public_key)
        return single_proof(keys, message, slot)

    def merge_multi_message(self, components):
        self.count("merge_multi_message")
        with self.lock:
            self.merged.append(components)
        parts = []
        for i, c in enumerate(components):
            assert isinstance(c, MergeComponent) and len(c.message) == 32, c
            if i == len(components) - 1:  # the proposer's part: ours to sign and fold in
                if c.proof != b"":
                    raise InvalidProof("the proposer's part comes without a proof")
                parts.append(single_proof(c.public_keys, c.message, c.slot))
            elif c.proof != single_proof(c.public_keys, c.message, c.slot):
                raise InvalidProof("an attestation proof does not match its message and slot")
            else:
                parts.append(c.proof)
        return b"PYMULTI" + b"".join(struct.pack("<I", len(p)) + p for p in parts)

    def verify_multi_message(self, components, proof):
        self.count("verify_multi_message")
        if not self.multi_valid or not proof.startswith(b"PYMULTI"):
            return False
        parts, rest = [], proof[7:]
        while rest:
            (n,) = struct.unpack_from("<I", rest)
            parts.append(rest[4:4 + n])
            rest = rest[4 + n:]
        if len(parts) != len(components):
            return False
        assert all(isinstance(c, MessageComponent) for c in components)
        if len(components[-1].public_keys) != 1:  # the proposer's part: its proposal key
            return False
        return all(part == single_proof(*c) for part, c in zip(parts, components))


class HostCryptoTest(unittest.TestCase):
    SLOTS = 5

    def setUp(self):
        self.attest, _ = xmss_keys(TAG)
        self.genesis = keyed_genesis(TAG)

    def test_two_nodes_finalize_with_python_proofs(self):
        net = ReqRespNetwork()
        crypto_a, crypto_b = PyCrypto(), PyCrypto()
        with beamcore.Node(self.genesis, validator_indices=range(4), is_aggregator=True, chain_worker=False,
                           network=net.endpoint("a"), crypto=crypto_a) as a, \
                beamcore.Node(self.genesis, chain_worker=True, network=net.endpoint("b"), crypto=crypto_b) as b:
            self.assertEqual(a.proof_mode, beamcore.ProofMode.HOST)
            net.attach("a", a)
            net.attach("b", b)
            votes = {}  # slot -> the AttestationData A's validators signed
            produce = a.produce_attestation_data
            a.produce_attestation_data = lambda slot: votes.setdefault(slot, produce(slot))
            run_voting_slots(self, a, b, net, self.attest, range(1, self.SLOTS + 1))
            self.assertEqual(b.finalized(), a.finalized())
            self.assertGreater(a.finalized().slot, 0)
            self.assertEqual(a.callback_errors + b.callback_errors, [])

        # A made the proofs, B checked them: one aggregate and one block per slot.
        self.assertEqual(crypto_a.calls["aggregate_single_message"], self.SLOTS)
        self.assertEqual(crypto_a.calls["merge_multi_message"], self.SLOTS)
        self.assertEqual(crypto_b.calls["verify_single_message"], self.SLOTS)
        self.assertEqual(crypto_b.calls["verify_multi_message"], self.SLOTS)
        aggregates = [d for _, kind, d in net.published if kind == TopicKind.AGGREGATE]
        self.assertEqual(len(aggregates), self.SLOTS)
        self.assertTrue(all(b"PYPROOF" in d for d in aggregates))
        # Every produced block's proof has the proposer's part last: an empty proof over
        # the block root at the block's slot, with the proposer's proposal key; every vote
        # component comes with its signers' keys, over an earlier slot's vote.
        blocks = [d for _, kind, d in net.published if kind == TopicKind.BLOCK]
        self.assertEqual(len(crypto_a.merged), len(blocks))
        _, propose = xmss_keys(TAG)
        for components, block in zip(crypto_a.merged, blocks):
            proposer = components[-1]
            slot = support.block_slot(block)
            self.assertEqual(proposer.proof, b"")
            self.assertEqual(proposer.message, beamcore.block_root(block))
            self.assertEqual(proposer.slot, slot)
            self.assertEqual(proposer.public_keys, [propose[support.proposer_of(slot)].public_key])
            for vote in components[:-1]:
                self.assertGreater(len(vote.public_keys), 0)
                self.assertLess(vote.slot, slot)
                self.assertEqual(vote.message, beamcore.hash_tree_root(SszType.ATTESTATION_DATA, votes[vote.slot]))
                self.assertEqual(vote.proof, single_proof(vote.public_keys, vote.message, vote.slot))
        self.assertTrue(any(len(c) > 1 for c in crypto_a.merged))  # blocks carried votes

    def test_invalid_verdicts_reject(self):
        # A honest network of A and B produces aggregates and blocks; C, whose verifier
        # says "invalid", refuses them; D, whose verifier raises, cannot check them.
        net = ReqRespNetwork()
        with beamcore.Node(self.genesis, validator_indices=range(4), is_aggregator=True, chain_worker=False,
                           network=net.endpoint("a"), crypto=PyCrypto()) as a, \
                beamcore.Node(self.genesis, chain_worker=False, network=net.endpoint("b"), crypto=PyCrypto()) as b:
            net.attach("a", a)
            net.attach("b", b)
            run_voting_slots(self, a, b, net, self.attest, range(1, 3))
        aggregate = [d for _, kind, d in net.published if kind == TopicKind.AGGREGATE][-1]
        blocks = [d for _, kind, d in net.published if kind == TopicKind.BLOCK]

        # Blocks: the multi-message verifier says no.
        refusing = PyCrypto(multi_valid=False)
        with beamcore.Node(self.genesis, chain_worker=False, crypto=refusing) as c:
            c.tick(support.slot_end(2))
            with self.assertRaises(beamcore.Rejected) as cm:
                c.on_gossip(TopicKind.BLOCK, blocks[0])
            self.assertEqual(cm.exception.rejection, "INVALID_BLOCK_PROOF")
            self.assertEqual(c.head().slot, 0)
            self.assertEqual(c.callback_errors, [])  # False is a verdict, not an error
        self.assertEqual(refusing.calls["verify_multi_message"], 1)

        # Aggregates: the single-message verifier says no (the blocks import).
        refusing = PyCrypto(single_valid=False)
        with beamcore.Node(self.genesis, chain_worker=False, crypto=refusing) as c:
            c.tick(support.slot_end(2))
            for block in blocks:
                c.on_gossip(TopicKind.BLOCK, block)
            self.assertEqual(c.head().slot, 2)
            with self.assertRaises(beamcore.Rejected) as cm:
                c.on_gossip(TopicKind.AGGREGATE, aggregate)
            self.assertIn("proof does not verify", cm.exception.message)
            self.assertEqual(c.callback_errors, [])
            # With an honest verifier the same aggregate is accepted.
        with beamcore.Node(self.genesis, chain_worker=False, crypto=PyCrypto()) as c:
            c.tick(support.slot_end(2))
            for block in blocks:
                c.on_gossip(TopicKind.BLOCK, block)
            c.on_gossip(TopicKind.AGGREGATE, aggregate)
        self.assertEqual(refusing.calls["verify_single_message"], 1)

        # A verifier that raises could not do the work (C code 2): the message is not
        # found invalid, the call fails, and the exception is recorded on the node.
        class RaisingMulti(PyCrypto):
            def verify_multi_message(self, components, proof):
                raise RuntimeError("prover backend down")

        class RaisingSingle(PyCrypto):
            def verify_single_message(self, public_keys, message, slot, proof):
                raise RuntimeError("prover backend down")

        logger = logging.getLogger("beamcore")
        previous, logger.disabled = logger.disabled, True
        try:
            with beamcore.Node(self.genesis, chain_worker=False, crypto=RaisingMulti()) as d:
                d.tick(support.slot_end(2))
                with self.assertRaises(beamcore.BeamError) as cm:
                    d.on_gossip(TopicKind.BLOCK, blocks[0])
                self.assertNotIsInstance(cm.exception, beamcore.Rejected)
                self.assertEqual([e.callback for e in d.callback_errors], ["crypto.verify_multi_message"])
            with beamcore.Node(self.genesis, chain_worker=False, crypto=RaisingSingle()) as d:
                d.tick(support.slot_end(2))
                for block in blocks:
                    d.on_gossip(TopicKind.BLOCK, block)
                with self.assertRaises(beamcore.BeamError) as cm:
                    d.on_gossip(TopicKind.AGGREGATE, aggregate)
                self.assertNotIsInstance(cm.exception, beamcore.Rejected)
                self.assertEqual([e.callback for e in d.callback_errors], ["crypto.verify_single_message"])
                with self.assertRaises(beamcore.CallbackError) as cm:
                    d.raise_callback_errors()
                self.assertIn("prover backend down", str(cm.exception))
                self.assertIsInstance(cm.exception.__cause__, RuntimeError)
        finally:
            logger.disabled = previous

    def test_bad_prover_results(self):
        # A prover answering with something other than bytes is a callback error: the
        # aggregation is dropped (the votes stay raw), the node goes on.
        class BadProver(PyCrypto):
            def aggregate_single_message(self, children, raw, message, slot):
                self.count("aggregate_single_message")
                return 42

        net = ReqRespNetwork()
        crypto = BadProver()
        logger = logging.getLogger("beamcore")
        previous, logger.disabled = logger.disabled, True
        try:
            with beamcore.Node(self.genesis, validator_indices=range(4), is_aggregator=True, chain_worker=False,
                               network=net.endpoint("a"), crypto=crypto) as a:
                net.attach("a", a)
                a.produce_block(1, 1)
                a.tick(support.slot_start(1) + 1)
                data = a.produce_attestation_data(1)
                for index, key in enumerate(self.attest):
                    a.on_gossip(TopicKind.ATTESTATION, key.sign_attestation(index, data))
                a.tick(support.slot_start(1) + 2)
                self.assertEqual(crypto.calls["aggregate_single_message"], 1)
                self.assertEqual([kind for _, kind, _ in net.published], [])
                (error,) = a.callback_errors
                self.assertEqual(error.callback, "crypto.aggregate_single_message")
                self.assertIsInstance(error.exception, TypeError)
                a.tick(support.slot_end(1))
                self.assertEqual(a.head().slot, 1)
        finally:
            logger.disabled = previous


if __name__ == "__main__":
    unittest.main()
