"""beam_locked_map_* and beam_block_cache_* through LockedMap and BlockCache."""

import ctypes
import struct
import threading
import unittest

import support
from support import chain, block_of

import beamcore
from beamcore import SszType


class LockedMapTest(unittest.TestCase):
    def test_put_get_remove(self):
        with beamcore.LockedMap() as m:
            self.assertTrue(m.put(b"k1", b"v1"))
            self.assertFalse(m.put(b"k1", b"value"))  # replaced
            self.assertTrue(m.put(b"", b"e"))           # empty key
            self.assertTrue(m.put(bytearray(b"z"), b""))  # empty value
            self.assertEqual(m.get(b"k1"), b"value")
            self.assertEqual(m.get(b""), b"e")
            self.assertEqual(m.get(b"z"), b"")
            self.assertEqual(m.count(), 3)
            self.assertEqual(sorted(m.items()), [(b"", b"e"), (b"k1", b"value"), (b"z", b"")])
            self.assertEqual(m.fetch_remove(b"k1"), b"value")
            with self.assertRaises(beamcore.NotFound):
                m.get(b"k1")
            with self.assertRaises(beamcore.NotFound):
                m.remove(b"k1")
            with self.assertRaises(beamcore.NotFound) as cm:
                m.fetch_remove(b"k1")
            self.assertIsInstance(cm.exception, LookupError)
            m.remove(b"")
            self.assertEqual(len(m), 1)

    def test_mapping_sugar(self):
        with beamcore.LockedMap() as m:
            m[b"a"] = b"1"
            self.assertIn(b"a", m)
            self.assertNotIn(b"b", m)
            self.assertEqual(m[b"a"], b"1")
            with self.assertRaises(KeyError):
                m[b"b"]
            del m[b"a"]
            with self.assertRaises(KeyError):
                del m[b"a"]
            self.assertEqual(len(m), 0)
            self.assertEqual(m.keys(), [])
            self.assertIn("count=0", repr(m))

    def test_binary_keys_and_values(self):
        with beamcore.LockedMap() as m:
            blob = bytes(range(256)) * 40
            m.put(b"\0\0", blob)
            self.assertEqual(m.get(b"\0\0"), blob)
            self.assertNotIn(b"\0", m)

    def test_iterate_stops_and_propagates(self):
        with beamcore.LockedMap() as m:
            for i in range(10):
                m.put(bytes([i]), bytes([i]) * i)
            seen = []
            m.iterate(lambda k, v: seen.append(k) or len(seen) == 3)  # truthy: stop
            self.assertEqual(len(seen), 3)
            with self.assertRaises(ZeroDivisionError):
                m.iterate(lambda k, v: 1 / 0)
            # Using the map from inside its own iteration would deadlock on its lock.
            with self.assertRaises(RuntimeError):
                m.iterate(lambda k, v: m.put(b"x", b"y"))
            self.assertNotIn(b"x", m)
            with self.assertRaises(TypeError):
                m.iterate(None)

    def test_threads(self):
        with beamcore.LockedMap() as m:
            def writer(t):
                for i in range(200):
                    m.put(struct.pack("<HH", t, i), bytes([t]))
            threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(len(m), 800)

    def test_errors(self):
        m = beamcore.LockedMap()
        with self.assertRaises(TypeError):
            m.put(None, b"v")
        with self.assertRaises(TypeError):
            m.get("text")
        lib = beamcore.lib()
        self.assertEqual(lib.beam_locked_map_create(None), beamcore.Status.INVALID_ARGUMENT)
        self.assertEqual(lib.beam_locked_map_put(None, b"k", 1, b"v", 1, None), beamcore.Status.INVALID_ARGUMENT)
        with m._h as ptr:
            self.assertEqual(lib.beam_locked_map_put(ptr, None, 3, b"v", 1, None), beamcore.Status.INVALID_ARGUMENT)
            self.assertEqual(lib.beam_locked_map_iterate(ptr, beamcore._ffi.LOCKED_MAP_VISIT_FN(), None),
                             beamcore.Status.INVALID_ARGUMENT)
        lib.beam_locked_map_destroy(None)
        m.close()
        m.close()
        self.assertIn("closed", repr(m))
        for call in (lambda: m.put(b"k", b"v"), lambda: m.get(b"k"), m.count, m.items, lambda: len(m)):
            with self.assertRaises(beamcore.ClosedError):
                call()


def with_slot(signed_block, slot):
    """A copy of a SignedBlock SSZ whose block has another slot (a distinct root)."""
    start = support.u32(signed_block, 0)
    return signed_block[:start] + struct.pack("<Q", slot) + signed_block[start + 8:]


class BlockCacheTest(unittest.TestCase):
    def test_insert_get_children_remove(self):
        g, blocks, roots, _ = chain(2)
        genesis_root = block_of(blocks[0])[16:48]  # block 1's parent
        with beamcore.BlockCache() as cache:
            self.assertEqual(cache.insert(blocks[1]), roots[1])
            self.assertEqual(cache.insert(blocks[0], keep_ssz=False), roots[0])
            self.assertEqual(cache.insert(blocks[1]), roots[1])  # no-op
            self.assertEqual(len(cache), 2)
            self.assertEqual(cache.get(roots[1]), blocks[1])
            self.assertEqual(cache.get(roots[0]), blocks[0])  # re-encoded, same bytes
            self.assertEqual(cache.children(genesis_root), [roots[0]])
            self.assertEqual(cache.children(roots[0]), [roots[1]])
            self.assertEqual(cache.children(roots[1]), [])
            self.assertIn(roots[0], cache)
            cache.remove(roots[0])
            with self.assertRaises(beamcore.NotFound):
                cache.remove(roots[0])
            with self.assertRaises(beamcore.NotFound):
                cache.get(roots[0])
            self.assertEqual(cache.children(roots[0]), [roots[1]])  # links to children stay
            self.assertEqual(cache.remove_children(genesis_root), 0)
            self.assertEqual(cache.remove_children(roots[0]), 1)
            self.assertEqual(len(cache), 0)
            self.assertIn("count=0", repr(cache))

    def test_full_cache(self):
        _, blocks, _, _ = chain(1)
        with beamcore.BlockCache() as cache:
            with self.assertRaises(beamcore.ResourceExhausted):
                for slot in range(1, 2000):
                    cache.insert(with_slot(blocks[0], slot), keep_ssz=False)
            self.assertEqual(len(cache), 1024)

    def test_errors(self):
        _, blocks, roots, _ = chain(1)
        cache = beamcore.BlockCache()
        with self.assertRaises(beamcore.DecodeError):
            cache.insert(b"junk")
        with self.assertRaises(ValueError):
            cache.get(b"short")
        with self.assertRaises(TypeError):
            cache.insert(None)
        with self.assertRaises(ValueError):
            cache.children(bytes(33))
        lib = beamcore.lib()
        self.assertEqual(lib.beam_block_cache_create(None), beamcore.Status.INVALID_ARGUMENT)
        with cache._h as ptr:
            self.assertEqual(lib.beam_block_cache_get(ptr, None, ctypes.byref(beamcore._ffi.BeamBuffer())),
                             beamcore.Status.INVALID_ARGUMENT)
            self.assertEqual(lib.beam_block_cache_count(ptr, None), beamcore.Status.INVALID_ARGUMENT)
        lib.beam_block_cache_destroy(None)
        cache.close()
        cache.close()
        with self.assertRaises(beamcore.ClosedError):
            cache.insert(blocks[0])
        with self.assertRaises(beamcore.ClosedError):
            len(cache)


if __name__ == "__main__":
    unittest.main()
