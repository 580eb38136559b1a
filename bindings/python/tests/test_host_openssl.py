"""The library in a host that has OpenSSL's libcrypto loaded globally (RTLD_GLOBAL)
before it: the host's SHA256/RAND_bytes are then in the global symbol scope, and a
library linking BoringSSL normally would have its calls interposed. libbeamcore loads
BoringSSL privately (dlopen RTLD_LOCAL|RTLD_DEEPBIND), so results must not change and
no BoringSSL symbol may bind to OpenSSL. Each case runs in a fresh interpreter."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
import unittest

import support

import beamcore

PRELUDE = """
    import ctypes, ctypes.util, hashlib, re, ssl, struct

    def libcrypto_paths():
        return set(re.findall(r"(/\\S*libcrypto\\S*)", open("/proc/self/maps").read()))

    # OpenSSL loaded and used first, then its libcrypto put in the global scope.
    ssl.create_default_context()
    assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
    OPENSSL = ctypes.util.find_library("crypto")
    assert OPENSSL, "no OpenSSL libcrypto found"
    ctypes.CDLL(OPENSSL, mode=ctypes.RTLD_GLOBAL)
    # Proof that it is global: the default scope now resolves SHA256 and RAND_bytes.
    assert hasattr(ctypes.CDLL(None), "SHA256") and hasattr(ctypes.CDLL(None), "RAND_bytes")
    BEFORE = libcrypto_paths()

    import beamcore
"""

HASHES = PRELUDE + """
    def chunk_u64(v):
        return struct.pack("<Q", v).ljust(32, b"\\0")

    def checkpoint_root(root, slot):  # container of two chunks: sha256(root || pad32(le64(slot)))
        return hashlib.sha256(root + chunk_u64(slot)).digest()

    def pair(a, b):
        return hashlib.sha256(a + b).digest()

    cases = [(bytes(32), 0), (bytes(range(32)), 1), (b"\\xff" * 32, 2**64 - 1),
             (hashlib.sha256(b"beamcore").digest(), 123456789)]
    for root, slot in cases:
        got = beamcore.hash_tree_root(beamcore.SszType.CHECKPOINT, root + struct.pack("<Q", slot))
        assert got == checkpoint_root(root, slot), (root.hex(), slot, got.hex())
    # Known value: the root of the zero checkpoint is sha256 of 64 zero bytes.
    assert beamcore.hash_tree_root(beamcore.SszType.CHECKPOINT, bytes(40)).hex() == \\
        "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"

    # AttestationData {slot, head, target, source}: four chunks, two levels.
    cps = [(hashlib.sha256(n).digest(), s) for n, s in ((b"head", 9), (b"target", 8), (b"source", 4))]
    data = struct.pack("<Q", 9) + b"".join(r + struct.pack("<Q", s) for r, s in cps)
    leaves = [chunk_u64(9)] + [checkpoint_root(r, s) for r, s in cps]
    want = pair(pair(leaves[0], leaves[1]), pair(leaves[2], leaves[3]))
    got = beamcore.hash_tree_root(beamcore.SszType.ATTESTATION_DATA, data)
    assert got == want, (got.hex(), want.hex())

    # A whole state (many chunks) is deterministic across calls.
    g = beamcore.genesis_state(0, 4)
    assert beamcore.hash_tree_root(beamcore.SszType.STATE, g) == beamcore.hash_tree_root(beamcore.SszType.STATE, g)

    # XMSS signatures still verify (where the binding has them).
    if hasattr(beamcore, "XmssKey"):
        msg = hashlib.sha256(b"message").digest()
        with beamcore.XmssKey.generate(beamcore.XmssScheme.TEST, hashlib.sha256(b"seed").digest(), 0, 8) as key:
            sig = key.sign(2, msg)
            assert key.verify(2, msg, sig)
            assert not key.verify(2, hashlib.sha256(b"other").digest(), sig)
        print("XMSS OK")

    # The library brought its own crypto library, distinct from the host's OpenSSL.
    ours = libcrypto_paths() - BEFORE
    assert ours, "libbeamcore mapped no crypto library of its own"
    print("OURS", *sorted(ours))
    print("OPENSSL", *sorted(BEFORE))
    assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
    print("OK")
"""


def run_python(code, env_extra=None):
    env = dict(os.environ)
    env.setdefault("BEAMCORE_LIBRARY", beamcore.library_path())
    env.update(env_extra or {})
    env["PYTHONPATH"] = support.PYTHON_ROOT + os.pathsep + os.path.dirname(os.path.abspath(__file__))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                          text=True, timeout=300)


def tagged(stdout, tag):
    for line in stdout.splitlines():
        if line.startswith(tag + " "):
            return line.split()[1:]
    return []


class HostOpenSslTest(unittest.TestCase):
    def test_hashes_match_hashlib_with_openssl_global(self):
        r = run_python(HASHES)
        self.assertEqual(r.returncode, 0, r.stderr[-4000:])
        self.assertIn("OK", r.stdout)
        ours = [os.path.realpath(p) for p in tagged(r.stdout, "OURS")]
        openssl = [os.path.realpath(p) for p in tagged(r.stdout, "OPENSSL")]
        self.assertTrue(ours)
        self.assertFalse(set(ours) & set(openssl), (ours, openssl))

    def test_no_crypto_symbol_binds_to_openssl(self):
        # LD_DEBUG=bindings reports every symbol binding: libbeamcore itself must make
        # none to a crypto library (it has no such undefined symbols), and BoringSSL's
        # own references (SHA256 -> SHA256_Init, ...) must stay inside BoringSSL even
        # though OpenSSL's same-named symbols are global (RTLD_DEEPBIND).
        r = run_python(HASHES, env_extra={"LD_DEBUG": "bindings"})
        self.assertEqual(r.returncode, 0, r.stderr[-4000:])
        bindings = re.findall(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `(\w+)'", r.stderr)
        if not bindings:
            self.skipTest("no LD_DEBUG output (not glibc?)")
        ours = {os.path.realpath(p) for p in tagged(r.stdout, "OURS")}
        self.assertTrue(ours)
        crypto_names = re.compile(r"^(SHA\d*|RAND|EVP|OPENSSL|CRYPTO)_?")
        from_beamcore = [(t, s) for f, t, s in bindings if "libbeamcore" in f and crypto_names.match(s)]
        self.assertEqual(from_beamcore, [], "libbeamcore binds crypto symbols directly")
        from_ours = [(t, s) for f, t, s in bindings if os.path.realpath(f) in ours]
        self.assertTrue(from_ours, "no bindings reported for the library's BoringSSL")
        leaked = [(t, s) for t, s in from_ours if "libcrypto" in t and os.path.realpath(t) not in ours]
        self.assertEqual(leaked, [], "BoringSSL symbols bound to another crypto library")
        # The functions libbeamcore uses were looked up in BoringSSL (dlsym reports them
        # as bindings of BoringSSL to itself).
        resolved = {s for t, s in from_ours if os.path.realpath(t) in ours}
        for sym in ("SHA256", "SHA256_TransformBlocks", "RAND_bytes"):
            self.assertIn(sym, resolved)

    def test_shared_library_does_not_link_a_crypto_library(self):
        lib = os.path.realpath(beamcore.library_path())
        readelf, nm = shutil.which("readelf"), shutil.which("nm")
        if not readelf or not nm:
            self.skipTest("binutils not installed")
        dynamic = subprocess.run([readelf, "-d", lib], capture_output=True, text=True, check=True).stdout
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        self.assertTrue(needed)
        self.assertFalse([n for n in needed if re.match(r"lib(crypto|ssl)\.", n)], needed)
        undefined = subprocess.run([nm, "-D", "--undefined-only", lib], capture_output=True, text=True,
                                   check=True).stdout.split()
        self.assertFalse([s for s in undefined if re.match(r"(SHA\d*|RAND|EVP|OPENSSL|CRYPTO)_?", s)])


if __name__ == "__main__":
    unittest.main()
