#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses, from the leanSpec fixtures (../shared/fixtures).

Writes one file per input, named by its SHA-1 (as libFuzzer names corpus files), into
OUT/<target>/:
  ssz_decode  every ssz-format value of a type a peer can send: selector byte + SSZ
  snappy      snappy blocks (selector 0), frames and frame rejections (1), raw data (2)
  reqresp     encoded requests, response chunks, response streams, decoder rejections
  gossip      topic strings and "<topic>\\n<data>" message-id inputs
  capi_node   a few operation scripts for the C ABI interpreter (capi_node_fuzz.cc):
              a produced chain, peers, requests, replays, borrows, API calls
The stf and xmss_verify seeds are built from library values by make_native_seeds.cc
(build/asan/tests/fuzz/fuzz_make_native_seeds FIXTURES OUT).

  tests/fuzz/make_seeds.py [--fixtures ../shared/fixtures] [--out tests/fuzz/corpus]
"""
import argparse
import hashlib
import json
import pathlib
import sys

# The selector byte of ssz_decode_fuzz.cc for each fixture typeName.
SSZ_SELECTORS = {
    "SignedBlock": 0, "SignedAttestation": 1, "SignedAggregatedAttestation": 2, "Status": 3,
    "BlocksByRootRequest": 4, "BlocksByRangeRequest": 5, "State": 6, "Block": 7, "PublicKey": 8,
    "Signature": 9,
}


def unhex(text):
    return bytes.fromhex(text[2:] if text.startswith("0x") else text)


def write(out, target, data, written):
    directory = out / target
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)
        written[target] = written.get(target, 0) + 1


def seeds_of_codec_case(case):
    """(target, bytes) pairs from one networking_codec case."""
    codec = case.get("codec", {})
    output = case.get("output", {}) or {}
    kind = codec.get("kind", "")
    if kind == "snappy_block":
        if "data" in codec:
            yield "snappy", b"\x02" + unhex(codec["data"])
        if "compressed" in output:
            yield "snappy", b"\x00" + unhex(output["compressed"])
    elif kind == "snappy_frame":
        if "data" in codec:
            yield "snappy", b"\x02" + unhex(codec["data"])
        for key in ("framed", "encoded", "compressed"):
            if key in output:
                yield "snappy", b"\x01" + unhex(output[key])
    elif kind.startswith("reqresp") and "encoded" in output:
        yield "reqresp", unhex(output["encoded"])
    elif kind == "decode_failure" and "rawBytes" in codec:
        decoder = codec.get("decoder", "")
        raw = unhex(codec["rawBytes"])
        if "snappy_frame" in decoder:
            yield "snappy", b"\x01" + raw
        elif "snappy" in decoder:
            yield "snappy", b"\x00" + raw
        elif "reqresp" in decoder or "request" in decoder or "response" in decoder:
            yield "reqresp", raw
    elif kind.startswith("gossip_topic"):
        for value in list(codec.values()) + list(output.values()):
            if isinstance(value, str) and value.startswith("/"):
                yield "gossip", value.encode()
    elif kind == "gossip_message_id":
        topic = unhex(codec["topic"]) if codec.get("topic", "").startswith("0x") else codec.get("topic", "").encode()
        yield "gossip", topic + b"\n" + unhex(codec.get("data", "0x"))


def capi_node_scripts():
    """Operation scripts in capi_node_fuzz.cc's encoding (opcode = byte % 13)."""
    produce = lambda: bytes([8, 1, 1, 1])          # the next slot, by its proposer
    tick = lambda n: bytes([0, 1, n])              # forward n intervals
    chain = b"".join(produce() + tick(5) for _ in range(8))
    setup = bytes([1, 0])                          # runs all validators, not an aggregator
    peers = bytes([3, 0, 3, 1])                    # peer-a and peer-b connect
    status_request = bytes([5, 0, 0, 0, 0])        # peer-a asks Status (empty body)
    range_request = bytes([5, 1, 2, 0, 16]) + (0).to_bytes(8, "little") + (8).to_bytes(8, "little")
    replay = bytes([2, 0, 0, 1, 2, 3, 0, 2])       # published blocks back, also on the wrong topic
    junk = bytes([1, 0, 1, 0, 4, 1, 2, 3, 4, 1, 2, 2, 0, 0])
    borrow = bytes([10, 0, 10, 1, 10, 2, 1, 0, 0])
    api = bytes([11, 0, 0, 0, 0, 0, 0, 11, 4, 0, 0, 0, 0, 1, 11, 5, 0, 0, 0, 17]) + b'{"enabled": true}' + bytes([2])
    reads = bytes([12])
    responses = bytes([6, 1, 0, 0, 4, 9, 9, 9, 9, 7, 1, 0, 0, 7, 0] + [0] * 8 + [3])
    return [
        setup + chain + reads,
        setup + chain + peers + status_request + range_request + reads,
        setup + chain + replay + junk + reads,
        setup + chain + borrow + api + reads,
        setup + peers + responses + chain + responses + reads,
        bytes([0, 1]) + chain + bytes([0, 0, 0]) + chain + reads,   # time set back, then on
    ]


def main(argv):
    root = pathlib.Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", default=str(root.parent / "shared" / "fixtures"))
    parser.add_argument("--out", default=str(root / "tests" / "fuzz" / "corpus"))
    args = parser.parse_args(argv)
    fixtures = pathlib.Path(args.fixtures) / "consensus"
    out = pathlib.Path(args.out)
    if not fixtures.is_dir():
        print(f"make_seeds: {fixtures} not found", file=sys.stderr)
        return 2
    written = {}
    for path in sorted((fixtures / "ssz").rglob("*.json")):
        for case in json.loads(path.read_text()).values():
            selector = SSZ_SELECTORS.get(case.get("typeName"))
            if selector is not None and isinstance(case.get("serialized"), str):
                write(out, "ssz_decode", bytes([selector]) + unhex(case["serialized"]), written)
    for path in sorted((fixtures / "networking_codec").rglob("*.json")):
        for case in json.loads(path.read_text()).values():
            for target, data in seeds_of_codec_case(case):
                write(out, target, data, written)
    for script in capi_node_scripts():
        write(out, "capi_node", script, written)
    for target in ("ssz_decode", "snappy", "reqresp", "gossip", "capi_node"):
        print(f"{target}: {written.get(target, 0)} new seed(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
