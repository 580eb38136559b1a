"""Library loading, in fresh interpreters (the order of loads matters)."""

import os
import re
import subprocess
import sys
import textwrap
import unittest

import support

import beamcore


def run_python(code, env_extra=None, pin=True):
    env = dict(os.environ)
    if pin:  # the library this process uses, so the child tests the same one
        env.setdefault("BEAMCORE_LIBRARY", beamcore.library_path())
    else:
        env.pop("BEAMCORE_LIBRARY", None)
    env.update(env_extra or {})
    env["PYTHONPATH"] = support.PYTHON_ROOT + os.pathsep + os.path.dirname(os.path.abspath(__file__))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True,
                          text=True, timeout=120)


SSL_FIRST = """
    import hashlib, ssl
    # OpenSSL (libssl/libcrypto of _ssl and _hashlib) is loaded and used first.
    assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
    ssl.create_default_context()
    import re
    maps_before = open("/proc/self/maps").read()

    import beamcore, support
    assert beamcore._ffi._lib is None, "imported beamcore must not load the library yet"
    got = beamcore.hash_tree_root(beamcore.SszType.CHECKPOINT, bytes(40))
    want = support.checkpoint_root_reference(bytes(32), 0)
    assert got == want, (got.hex(), want.hex())
    # And a state root after the fact (SHA-256 over many chunks).
    g = beamcore.genesis_state(0, 4)
    assert len(beamcore.hash_tree_root(beamcore.SszType.STATE, g)) == 32
    assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
    crypto_before = sorted(set(re.findall(r"(/\\S*libcrypto\\S*)", maps_before)))
    print("CRYPTO_BEFORE", *crypto_before)
    print("OK")
"""


class LoadingTest(unittest.TestCase):
    def test_ssl_and_hashlib_loaded_first(self):
        r = run_python(SSL_FIRST)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("OK", r.stdout)

    def test_binds_its_own_sha256(self):
        # With OpenSSL already mapped, the library's SHA-256 references must resolve to
        # its own crypto library, not to the one Python loaded.
        r = run_python(SSL_FIRST, env_extra={"LD_DEBUG": "bindings"})
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        crypto_before = []
        for line in r.stdout.splitlines():
            if line.startswith("CRYPTO_BEFORE"):
                crypto_before = line.split()[1:]
        bindings = re.findall(r"binding file (\S*libbeamcore\S*) \[\d+\] to (\S+) \[\d+\]: normal symbol `(\w+)'",
                              r.stderr)
        if not bindings:
            self.skipTest("no LD_DEBUG output (not glibc?)")
        targets = {sym: target for _, target, sym in bindings}
        self.assertIn("SHA256", targets)
        own = os.path.realpath(targets["SHA256"])
        self.assertNotIn(own, [os.path.realpath(p) for p in crypto_before],
                         f"SHA256 bound to Python's OpenSSL: {targets['SHA256']}")
        for sym in ("SHA256", "SHA256_TransformBlocks", "RAND_bytes"):
            if sym in targets:
                self.assertEqual(os.path.realpath(targets[sym]), own, sym)

    def test_openssl_global_first_still_correct(self):
        # A host that loads OpenSSL RTLD_GLOBAL first interposes same-named symbols
        # (see README); the results must not change.
        r = run_python("""
            import ctypes, ctypes.util
            name = ctypes.util.find_library("crypto")
            if name:
                ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
            import beamcore, support
            assert beamcore.hash_tree_root(5, bytes(40)) == support.checkpoint_root_reference(bytes(32), 0)
            print("OK")
        """)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("OK", r.stdout)

    def test_env_var_without_fallback(self):
        r = run_python("""
            import beamcore
            try:
                beamcore.version()
            except beamcore.LibraryNotFoundError as e:
                assert "/nonexistent/libbeamcore.so.0" in str(e), e
                print("NOT FOUND")
        """, env_extra={"BEAMCORE_LIBRARY": "/nonexistent/libbeamcore.so.0"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("NOT FOUND", r.stdout)

    def test_in_tree_default(self):
        in_tree = beamcore._ffi._in_tree_path()
        if not in_tree.exists():
            self.skipTest("no in-tree release build")
        r = run_python("""
            import beamcore
            beamcore.version()
            print(beamcore.library_path())
        """, pin=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), os.path.normpath(str(in_tree)))

    def test_explicit_other_path_after_load(self):
        beamcore.lib()
        with self.assertRaises(beamcore.LibraryNotFoundError):
            beamcore.load("/some/other/libbeamcore.so.0")
        self.assertIs(beamcore.load(beamcore.library_path()), beamcore.lib())


if __name__ == "__main__":
    unittest.main()
