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
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    env["PYTHONPATH"] = tests_dir if support.INSTALLED else support.PYTHON_ROOT + os.pathsep + tests_dir
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
        # With OpenSSL already mapped, the library's SHA-256 must come from its own
        # crypto library (BoringSSL), not from the one Python loaded. Two designs pass:
        # libbeamcore linked against BoringSSL (its SHA256 references bind to it), or
        # BoringSSL dlopen()ed privately and resolved with dlsym() (then libbeamcore
        # binds no SHA256 at all, and the lookup shows as BoringSSL's own binding).
        r = run_python(SSL_FIRST, env_extra={"LD_DEBUG": "bindings"})
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        crypto_before = []
        for line in r.stdout.splitlines():
            if line.startswith("CRYPTO_BEFORE"):
                crypto_before = line.split()[1:]
        python_crypto = [os.path.realpath(p) for p in crypto_before]
        bindings = re.findall(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `(\w+)'", r.stderr)
        if not bindings:
            self.skipTest("no LD_DEBUG output (not glibc?)")
        linked = {sym: target for source, target, sym in bindings if "libbeamcore" in source}
        if "SHA256" in linked:
            own = os.path.realpath(linked["SHA256"])
            for sym in ("SHA256", "SHA256_TransformBlocks", "RAND_bytes"):
                if sym in linked:
                    self.assertEqual(os.path.realpath(linked[sym]), own, sym)
        else:
            # dlsym() lookups: the library providing SHA256 to a lookup from itself.
            private = {os.path.realpath(t) for s, t, sym in bindings if sym == "SHA256" and s == t}
            private -= set(python_crypto)
            self.assertTrue(private, "no private crypto library resolved SHA256")
            own = private.pop()
        self.assertNotIn(own, python_crypto, f"SHA256 bound to Python's OpenSSL: {own}")

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
                assert "/nonexistent/libbeamcore.so.1" in str(e), e
                print("NOT FOUND")
        """, env_extra={"BEAMCORE_LIBRARY": "/nonexistent/libbeamcore.so.1"})
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

    def test_installed_package_finds_the_library_by_soname(self):
        # An installed package has no build tree beside it: with no BEAMCORE_LIBRARY it
        # loads the SONAME through the dynamic linker's search path.
        if not support.INSTALLED:
            self.skipTest("source tree (BEAMCORE_TEST_INSTALLED is not 1)")
        r = run_python("""
            import beamcore
            beamcore.version()
            print(beamcore.library_path())
        """, pin=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        loaded = r.stdout.strip()
        self.assertTrue(os.path.isabs(loaded), loaded)  # the file the linker found, not the bare name
        self.assertEqual(os.path.realpath(loaded), os.path.realpath(beamcore.library_path()))
        self.assertTrue(os.path.basename(loaded).startswith(beamcore._ffi.SONAME), loaded)

    def test_explicit_other_path_after_load(self):
        beamcore.lib()
        with self.assertRaises(beamcore.LibraryNotFoundError):
            beamcore.load("/some/other/libbeamcore.so.1")
        self.assertIs(beamcore.load(beamcore.library_path()), beamcore.lib())


class VersionedFunctionsTest(unittest.TestCase):
    """Every function of 1.0 is required; the ABI major version must match. A function
    added in a later 1.x would go to OPTIONAL_PROTOTYPES: an older 1.x library lacking
    it still loads, and the features needing it raise UnsupportedError."""

    class FakeLibrary:
        _name = "libbeamcore-fake.so"

        def __init__(self, major=beamcore._ffi.ABI_MAJOR, extra=()):
            class Fn:
                def __call__(self):
                    return major << 16
            for name in list(beamcore._ffi.PROTOTYPES) + list(extra):
                setattr(self, name, Fn())

    def test_every_1_0_function_is_required(self):
        # A 1.0 library lacks only what later 1.x added: it loads, those are missing.
        self.assertEqual(beamcore._ffi._declare(self.FakeLibrary()), set(beamcore._ffi.OPTIONAL_PROTOTYPES))
        self.assertEqual(beamcore._ffi._declare(self.FakeLibrary(extra=beamcore._ffi.OPTIONAL_PROTOTYPES)), set())
        for name in beamcore._ffi.PROTOTYPES:
            lib = self.FakeLibrary()
            delattr(lib, name)
            with self.subTest(name=name), self.assertRaises(beamcore.LibraryNotFoundError) as cm:
                beamcore._ffi._declare(lib)
            self.assertIn(name, str(cm.exception))

    def test_other_major_versions_are_refused(self):
        for major in (0, 2):
            with self.subTest(major=major), self.assertRaises(beamcore.LibraryNotFoundError) as cm:
                beamcore._ffi._declare(self.FakeLibrary(major=major))
            self.assertIn(f"major version {major}", str(cm.exception))

    def test_optional_functions(self):
        ffi = beamcore._ffi
        saved_optional, saved_missing = dict(ffi.OPTIONAL_PROTOTYPES), ffi._missing
        ffi.OPTIONAL_PROTOTYPES["beam_future_call"] = (ffi.beam_status, [])
        try:
            self.assertEqual(ffi._declare(self.FakeLibrary(extra=saved_optional)), {"beam_future_call"})
            self.assertEqual(ffi._declare(self.FakeLibrary(extra=list(saved_optional) + ["beam_future_call"])), set())
            ffi._missing = frozenset({"beam_future_call"})
            self.assertFalse(ffi.has("beam_future_call"))
            self.assertTrue(ffi.has("beam_node_tick"))
            with self.assertRaises(beamcore.UnsupportedError) as cm:
                beamcore._util.require("beam_future_call", "the future")
            self.assertIn("beam_future_call", str(cm.exception))
            beamcore._util.require("beam_node_tick", "ticking")  # present: no error
        finally:
            ffi.OPTIONAL_PROTOTYPES.clear()
            ffi.OPTIONAL_PROTOTYPES.update(saved_optional)
            ffi._missing = saved_missing
        self.assertTrue(issubclass(beamcore.UnsupportedError, NotImplementedError))
        self.assertFalse(ffi.has("beam_future_call"))

if __name__ == "__main__":
    unittest.main()
