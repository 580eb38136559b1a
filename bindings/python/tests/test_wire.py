"""beamcore.wire (wire.h): leanSpec vectors for every codec, round trips, stream
walking, and the malformed, truncated and oversize inputs each must refuse."""

import os
import unittest

import support

import beamcore
from beamcore import RespCode, TopicKind, wire

TOPIC = "/leanconsensus/12345678/block/ssz_snappy"


def h(text):
    return bytes.fromhex(text)


class VarintTest(unittest.TestCase):
    def test_vectors(self):
        self.assertEqual(wire.varint_encode(0), b"\x00")
        self.assertEqual(wire.varint_encode(127), b"\x7f")
        self.assertEqual(wire.varint_encode(300), h("ac02"))
        top = wire.varint_encode(2**64 - 1)
        self.assertEqual(len(top), wire.VARINT_MAX_LEN)
        self.assertEqual(top[-1], 0x01)

    def test_round_trip_and_tail(self):
        for value in (0, 1, 127, 128, 300, 2**32, 2**63, 2**64 - 1):
            encoded = wire.varint_encode(value)
            self.assertEqual(wire.varint_decode(encoded), (value, len(encoded)))
            self.assertEqual(wire.varint_decode(encoded + b"\xff\x01"), (value, len(encoded)))
        self.assertEqual(wire.varint_decode(h("9601ff")), (150, 2))
        self.assertEqual(wire.varint_decode(bytearray(h("8001"))), (128, 2))

    def test_malformed(self):
        for data in (b"", h("80"), b"\x80" * 11, h("ffffffffffffffffff02")):
            with self.subTest(data=data.hex()), self.assertRaises(beamcore.DecodeError) as cm:
                wire.varint_decode(data)
            self.assertEqual(cm.exception.status_name, "BEAM_ERR_DECODE")
            self.assertEqual(cm.exception.function, "beam_wire_varint_decode")

    def test_python_checks(self):
        for value, exc in ((-1, ValueError), (2**64, ValueError), ("1", TypeError), (True, TypeError)):
            with self.subTest(value=value), self.assertRaises(exc):
                wire.varint_encode(value)
        with self.assertRaises(TypeError):
            wire.varint_decode("80")


class SnappyTest(unittest.TestCase):
    def test_block_vector(self):
        compressed = wire.snappy_compress(b"Hello, Ethereum!")
        self.assertEqual(compressed, h("103c48656c6c6f2c20457468657265756d21"))
        self.assertEqual(wire.snappy_decompress(compressed), b"Hello, Ethereum!")
        self.assertEqual(wire.snappy_compress(b""), b"\x00")
        self.assertEqual(wire.snappy_decompress(b"\x00"), b"")

    def test_block_round_trip(self):
        repetitive = b"lean consensus " * 4000
        compressed = wire.snappy_compress(repetitive)
        self.assertLess(len(compressed), len(repetitive) // 10)
        self.assertEqual(wire.snappy_decompress(compressed), repetitive)
        noise = os.urandom(70000)
        self.assertEqual(wire.snappy_decompress(wire.snappy_compress(noise)), noise)
        # Its declared length is the varint prefix.
        self.assertEqual(wire.varint_decode(compressed)[0], len(repetitive))

    def test_block_malformed(self):
        for data in (b"", h("040101"), h("ffffffff0f00"), h("01004100")):
            with self.subTest(data=data.hex()), self.assertRaises(beamcore.DecodeError):
                wire.snappy_decompress(data)

    def test_frame_vector(self):
        framed = wire.snappy_frame_encode(bytes([1, 2, 3, 4]))
        self.assertEqual(framed, h("ff060000734e6150705901080000393d6bbc01020304"))
        self.assertEqual(wire.snappy_frame_decode(framed), bytes([1, 2, 3, 4]))
        self.assertEqual(wire.snappy_frame_encode(b""), h("ff060000734e61507059"))
        self.assertEqual(wire.snappy_frame_decode(h("ff060000734e61507059")), b"")

    def test_frame_round_trip_over_several_chunks(self):
        data = os.urandom(100_000) + bytes(100_000)  # four 64 KiB chunks
        framed = wire.snappy_frame_encode(data)
        self.assertEqual(wire.snappy_frame_decode(framed), data)
        self.assertTrue(framed.startswith(h("ff060000734e61507059")))

    def test_frame_malformed(self):
        framed = bytearray(wire.snappy_frame_encode(bytes([1, 2, 3, 4])))
        framed[-1] ^= 1  # CRC mismatch
        cases = [bytes(framed), h("ff060000734e6150705903000000"), bytes(10), h("ff060000734e6150705901100000"),
                 b""]
        for data in cases:
            with self.subTest(data=data.hex()), self.assertRaises(beamcore.DecodeError):
                wire.snappy_frame_decode(data)


class ReqRespTest(unittest.TestCase):
    def test_request_vector_and_round_trip(self):
        encoded = wire.request_encode(bytes([1, 2, 3, 4]))
        self.assertEqual(encoded, h("04ff060000734e6150705901080000393d6bbc01020304"))
        self.assertEqual(wire.request_decode(encoded), bytes([1, 2, 3, 4]))
        status = bytes(range(80))  # a Status-sized payload
        self.assertEqual(wire.request_decode(wire.request_encode(status)), status)

    def test_request_refusals(self):
        encoded = bytearray(wire.request_encode(bytes([1, 2, 3, 4])))
        encoded[0] = 5  # the declared length no longer matches
        for data in (bytes(encoded), h("81808005"), h("8080"), b""):
            with self.subTest(data=data.hex()), self.assertRaises(beamcore.DecodeError):
                wire.request_decode(data)
        with self.assertRaises(beamcore.InvalidArgument) as cm:
            wire.request_encode(bytes(wire.MAX_PAYLOAD_SIZE + 1))
        self.assertEqual(cm.exception.status_name, "BEAM_ERR_INVALID_ARGUMENT")

    def test_response_chunk_vector(self):
        chunk = wire.response_chunk_encode(RespCode.INVALID_REQUEST, b"bad request")
        self.assertEqual(chunk, h("010bff060000734e61507059010f00008a23d9c16261642072657175657374"))
        decoded = wire.response_chunk_decode(chunk)
        self.assertEqual(decoded, (RespCode.INVALID_REQUEST, b"bad request", len(chunk)))
        self.assertIs(type(decoded.code), RespCode)
        # Every proper prefix is "not yet".
        for cut in range(len(chunk)):
            with self.subTest(cut=cut), self.assertRaises(beamcore.Unavailable):
                wire.response_chunk_decode(chunk[:cut])

    def test_walk_a_stream(self):
        stream = h("0004ff060000734e615070590108000090cea091deadbeef"
                   "0004ff060000734e615070590108000047925c87cafebabe")
        chunks = wire.response_chunks(stream)
        self.assertEqual([(c.code, c.payload) for c in chunks],
                         [(RespCode.SUCCESS, h("deadbeef")), (RespCode.SUCCESS, h("cafebabe"))])
        self.assertEqual(sum(c.consumed for c in chunks), len(stream))
        with self.assertRaises(beamcore.Unavailable):
            wire.response_chunks(stream[:-1])
        # A stream of our own: blocks then an error.
        payloads = [os.urandom(n) for n in (0, 1, 300, 70000)]
        stream = b"".join(wire.response_chunk_encode(RespCode.SUCCESS, p) for p in payloads)
        stream += wire.response_error_encode(RespCode.RESOURCE_UNAVAILABLE, "no more")
        chunks = wire.response_chunks(stream)
        self.assertEqual([c.payload for c in chunks], payloads + [b"no more"])
        self.assertEqual([c.code for c in chunks], [RespCode.SUCCESS] * 4 + [RespCode.RESOURCE_UNAVAILABLE])

    def test_unknown_code_bytes(self):
        chunk = bytearray(wire.response_chunk_encode(RespCode.SUCCESS, h("deadbeef")))
        for byte, code in ((0x80, RespCode.INVALID_REQUEST), (0xFF, RespCode.INVALID_REQUEST),
                           (0x10, RespCode.SERVER_ERROR), (0x04, RespCode.SERVER_ERROR)):
            chunk[0] = byte
            self.assertEqual(wire.response_chunk_decode(bytes(chunk)).code, code, hex(byte))

    def test_malformed_chunks(self):
        for data in (h("0081808005"), h("0004fe060000")):
            with self.subTest(data=data.hex()), self.assertRaises(beamcore.DecodeError):
                wire.response_chunk_decode(data)

    def test_error_chunks(self):
        self.assertEqual(wire.response_error_encode(RespCode.RESOURCE_UNAVAILABLE, "block not found"),
                         h("030fff060000734e615070590113000011defbac626c6f636b206e6f7420666f756e64"))
        long_chunk = wire.response_error_encode(RespCode.SERVER_ERROR, "x" * 300)
        decoded = wire.response_chunk_decode(long_chunk)
        self.assertEqual((decoded.code, decoded.payload), (RespCode.SERVER_ERROR, b"x" * wire.MAX_ERROR_MESSAGE_SIZE))
        # Cut without splitting a character: 100 three-byte characters -> 85 of them.
        euro = wire.response_chunk_decode(wire.response_error_encode(RespCode.SERVER_ERROR, "\u20ac" * 100))
        self.assertEqual(euro.payload.decode("utf-8"), "\u20ac" * 85)
        with self.assertRaises(beamcore.InvalidArgument):
            wire.response_error_encode(RespCode.SUCCESS, "ok")
        with self.assertRaises(beamcore.InvalidArgument):
            wire.response_error_encode(RespCode.SERVER_ERROR, b"\xff\xfe")  # not UTF-8
        with self.assertRaises(ValueError):
            wire.response_error_encode(RespCode.SERVER_ERROR, "a\0b")
        with self.assertRaises(ValueError):
            wire.response_error_encode(7, "x")
        with self.assertRaises(ValueError):
            wire.response_chunk_encode(4, b"")
        with self.assertRaises(TypeError):
            wire.response_chunk_encode(RespCode.SUCCESS, "text")


class GossipTest(unittest.TestCase):
    def test_topics(self):
        self.assertEqual(wire.gossip_topic("12345678", TopicKind.BLOCK), TOPIC)
        self.assertEqual(wire.gossip_topic("0xabcdef01", TopicKind.ATTESTATION, 7),
                         "/leanconsensus/0xabcdef01/attestation_7/ssz_snappy")
        self.assertEqual(wire.gossip_topic("12345678", TopicKind.AGGREGATE, 99),
                         "/leanconsensus/12345678/aggregation/ssz_snappy")
        for name in ("a/b", b"\xff"):
            with self.subTest(name=name), self.assertRaises(beamcore.InvalidArgument):
                wire.gossip_topic(name, TopicKind.BLOCK)
        with self.assertRaises(ValueError):
            wire.gossip_topic("12345678", 99)
        with self.assertRaises(ValueError):
            wire.gossip_topic("1234\x005678", TopicKind.BLOCK)
        with self.assertRaises(ValueError):
            wire.gossip_topic("12345678", TopicKind.ATTESTATION, -1)

    def test_message_id_vectors(self):
        invalid = wire.gossip_message_id(TOPIC, h("deadbeef"))  # not snappy: the raw bytes
        self.assertEqual(invalid, (h("2aff5124db8064dd9ddcdd7fc251397ab02527c7"), False))
        valid = wire.gossip_message_id(TOPIC, h("040cdeadbeef"))  # snappy of deadbeef
        self.assertEqual(valid, (h("8505fa518a9a5bb8376e4aba7bce5eae12a3dd48"), True))
        self.assertEqual(wire.gossip_message_id("", b""), (h("15ec7bf0b50732b49f8228e07d24365338f9e3ab"), False))

    def test_message_id_is_20_deterministic_bytes(self):
        _, blocks, _, _ = support.chain(1)
        published = wire.snappy_compress(blocks[0])
        first = wire.gossip_message_id(TOPIC, published)
        self.assertEqual(len(first.id), wire.MESSAGE_ID_LEN)
        self.assertEqual(len(first.id), 20)
        self.assertTrue(first.valid_snappy)
        self.assertEqual(wire.gossip_message_id(TOPIC, bytearray(published)), first)
        other_topic = wire.gossip_topic("87654321", TopicKind.BLOCK)
        self.assertNotEqual(wire.gossip_message_id(other_topic, published).id, first.id)
        self.assertNotEqual(wire.gossip_message_id(TOPIC, blocks[0]).id, first.id)

    def test_message_id_refusals(self):
        with self.assertRaises(beamcore.ResourceExhausted):
            wire.gossip_message_id(TOPIC, b"\xff" * (wire.MAX_PAYLOAD_SIZE + 1))
        with self.assertRaises(ValueError):
            wire.gossip_message_id("a\0b", b"")
        with self.assertRaises(TypeError):
            wire.gossip_message_id(None, b"")
        with self.assertRaises(TypeError):
            wire.gossip_message_id(TOPIC, "data")


if __name__ == "__main__":
    unittest.main()
