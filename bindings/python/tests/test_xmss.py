"""XMSS keys (beam_xmss_*), signing votes (beam_attestation_sign), and two nodes whose
genesis holds real TEST keys finalizing on signed attestations."""

import struct
import unittest

import support
from support import ReqRespNetwork, keyed_genesis, run_voting_slots, xmss_keys

import beamcore
from beamcore import LogLevel, SszType, TopicKind, XmssKey, XmssScheme

SEED = bytes(range(32))
MESSAGE = b"\x5a" * 32


class XmssKeyTest(unittest.TestCase):
    def test_deterministic_from_seed(self):
        with XmssKey.generate(XmssScheme.TEST, SEED, 0, 32) as k1, \
                XmssKey.generate(XmssScheme.TEST, bytearray(SEED), 0, 32) as k2, \
                XmssKey.generate(XmssScheme.TEST, b"\x01" + SEED[1:], 0, 32) as other:
            self.assertEqual(len(k1.public_key), beamcore.PUBLIC_KEY_SIZE)
            self.assertEqual(k1.public_key, k2.public_key)
            self.assertNotEqual(k1.public_key, other.public_key)
            self.assertEqual(k1.scheme, XmssScheme.TEST)
            self.assertIn("TEST", repr(k1))
        with XmssKey.generate(XmssScheme.TEST, None, 0, 32) as r1, XmssKey.generate(XmssScheme.TEST, None, 0, 32) as r2:
            self.assertNotEqual(r1.public_key, r2.public_key)  # seed=None: random

    def test_ssz_round_trip(self):
        with XmssKey.generate(XmssScheme.TEST, SEED, 0, 256) as key:
            data = key.to_ssz()
            self.assertEqual(len(data), 3396)  # leanSpec's full-lifetime TEST key files
            with XmssKey.from_ssz(XmssScheme.TEST, data) as loaded:
                self.assertEqual(loaded.public_key, key.public_key)
                self.assertEqual(loaded.sign(7, MESSAGE), key.sign(7, MESSAGE))
                self.assertTrue(key.verify(7, MESSAGE, loaded.sign(7, MESSAGE)))
        with self.assertRaises(beamcore.DecodeError):
            XmssKey.from_ssz(XmssScheme.TEST, data[:-1])
        with self.assertRaises(beamcore.DecodeError):
            XmssKey.from_ssz(XmssScheme.PROD, data)

    def test_sign_and_verify(self):
        with XmssKey.generate(XmssScheme.TEST, SEED, 10, 40) as key, \
                XmssKey.generate(XmssScheme.TEST, b"\x02" * 32, 10, 40) as other:
            pk = key.public_key
            sig = key.sign(12, MESSAGE)
            self.assertIsInstance(sig, bytes)
            self.assertTrue(beamcore.xmss_verify(XmssScheme.TEST, pk, 12, MESSAGE, sig))
            self.assertTrue(key.verify(12, MESSAGE, sig))
            self.assertFalse(beamcore.xmss_verify(XmssScheme.TEST, pk, 12, b"\x5b" * 32, sig))  # another message
            self.assertFalse(beamcore.xmss_verify(XmssScheme.TEST, pk, 13, MESSAGE, sig))       # another slot
            self.assertFalse(beamcore.xmss_verify(XmssScheme.TEST, other.public_key, 12, MESSAGE, sig))
            self.assertFalse(other.verify(12, MESSAGE, sig))
            # A later slot (the key slides its prepared window forward).
            later = key.sign(45, MESSAGE)
            self.assertTrue(key.verify(45, MESSAGE, later))
            self.assertFalse(key.verify(45, MESSAGE, sig))
            # Outside the active range.
            with self.assertRaises(beamcore.FailedPrecondition):
                key.sign(9, MESSAGE)
            with self.assertRaises(beamcore.FailedPrecondition):
                key.sign(10 + 4096, MESSAGE)
            # Malformed input.
            with self.assertRaises(beamcore.DecodeError):
                beamcore.xmss_verify(XmssScheme.TEST, pk, 12, MESSAGE, b"junk")
            with self.assertRaises(beamcore.DecodeError):
                beamcore.xmss_verify(XmssScheme.TEST, pk, 12, MESSAGE, b"")

    def test_argument_checks(self):
        for exc, call in (
            (ValueError, lambda: XmssKey.generate(XmssScheme.TEST, b"short", 0, 8)),
            (TypeError, lambda: XmssKey.generate(XmssScheme.TEST, "seed" * 8, 0, 8)),
            (ValueError, lambda: XmssKey.generate(7, SEED, 0, 8)),
            (ValueError, lambda: XmssKey.generate(XmssScheme.TEST, SEED, -1, 8)),
            (TypeError, XmssKey),
            (ValueError, lambda: beamcore.xmss_verify(XmssScheme.TEST, bytes(51), 0, MESSAGE, b"x")),
            (ValueError, lambda: beamcore.xmss_verify(XmssScheme.TEST, bytes(52), 0, MESSAGE[:31], b"x")),
            (TypeError, lambda: beamcore.xmss_verify(XmssScheme.TEST, bytes(52), 0, MESSAGE, None)),
        ):
            with self.assertRaises(exc):
                call()
        with XmssKey.generate(XmssScheme.TEST, SEED, 0, 8) as key:
            with self.assertRaises(ValueError):
                key.sign(1, b"\x00" * 33)
            with self.assertRaises(TypeError):
                key.sign_attestation(0, None)
            with self.assertRaises(beamcore.DecodeError):
                key.sign_attestation(0, b"junk")
        self.assertTrue(key.closed)
        for call in (lambda: key.public_key, lambda: key.sign(1, MESSAGE),
                     lambda: key.sign_attestation(0, bytes(128))):
            with self.assertRaises(beamcore.ClosedError):
                call()
        key.close()  # idempotent
        self.assertIn("closed", repr(key))

    def test_sign_attestation(self):
        attest, _ = xmss_keys(b"xmss-sign")
        g = keyed_genesis(b"xmss-sign")
        with beamcore.Node(g, validator_indices=range(4), chain_worker=False) as node:
            node.produce_block(1, 1)
            node.tick(support.slot_start(1) + 1)
            data = node.produce_attestation_data(1)
            signed = attest[2].sign_attestation(2, data)
            # SignedAttestation {validator_index, data, signature}: all fixed-size (a
            # signature's size is fixed per scheme), so the signature is the tail.
            self.assertEqual(struct.unpack_from("<Q", signed)[0], 2)
            self.assertEqual(signed[8:8 + len(data)], data)
            signature = signed[8 + len(data):]
            root = beamcore.hash_tree_root(SszType.ATTESTATION_DATA, data)
            self.assertTrue(attest[2].verify(1, root, signature))
            self.assertEqual(len(beamcore.hash_tree_root(SszType.SIGNED_ATTESTATION, signed)), 32)
            node.on_gossip(TopicKind.ATTESTATION, signed)  # verified against the genesis key
            # Validator 3 claiming validator 2's vote: its signature does not verify.
            with self.assertRaises(beamcore.Rejected):
                node.on_gossip(TopicKind.ATTESTATION, attest[3].sign_attestation(2, data))
            with self.assertRaises(beamcore.Rejected):
                node.on_gossip(TopicKind.ATTESTATION, attest[3].sign_attestation(3, data[:8] + bytes(120)))
        with self.assertRaises(ValueError):
            beamcore.genesis_state(0, 2, attestation_keys=[attest[0], b"short"])
        self.assertEqual(beamcore.genesis_state(0, 4, attestation_keys=list(attest),
                                                proposal_keys=list(xmss_keys(b"xmss-sign")[1])), g)


class SignedVotesFinalizeTest(unittest.TestCase):
    SLOTS = 6

    def test_two_nodes_finalize_on_real_signatures(self):
        attest, _ = xmss_keys(b"xmss-devnet")
        g = keyed_genesis(b"xmss-devnet")
        net = ReqRespNetwork()
        lines = []
        with beamcore.Node(g, validator_indices=range(4), is_aggregator=True, chain_worker=False,
                           network=net.endpoint("a")) as a, \
                beamcore.Node(g, chain_worker=True, network=net.endpoint("b"),
                              log=lambda level, message: lines.append(message), log_level=LogLevel.INFO) as b:
            net.attach("a", a)
            net.attach("b", b)
            run_voting_slots(self, a, b, net, attest, range(1, self.SLOTS + 1))

            self.assertEqual(b.head(), a.head())
            self.assertEqual(b.justified(), a.justified())
            self.assertEqual(b.finalized(), a.finalized())
            self.assertGreaterEqual(a.justified().slot, self.SLOTS - 2)
            self.assertGreaterEqual(a.finalized().slot, self.SLOTS - 3)
            # A published one aggregate per slot, which B accepted (no errors, no reports).
            self.assertEqual(net.reports, [])
            self.assertIn("lean_attestations_valid_total", b.metrics_text())
            self.assertTrue(any(m.startswith("finalized slot ") for m in lines), lines)
            self.assertEqual(a.callback_errors + b.callback_errors, [])


if __name__ == "__main__":
    unittest.main()
