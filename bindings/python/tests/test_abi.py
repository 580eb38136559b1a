"""The binding against the C ABI itself: every exported symbol (abi/libbeamcore.symbols)
has a ctypes prototype matching its declaration in include/beamcore/*.h, every struct
matches the header field for field, and the library's own struct sizes (written by the
_init functions) are the binding's."""

import ctypes
import os
import re
import unittest

import support

import beamcore
from beamcore import _ffi, _util

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SYMBOLS_FILE = os.path.join(HERE, "..", "..", "..", "abi", "libbeamcore.symbols")
HEADERS = [os.path.join(REPO, "include", "beamcore", name)
           for name in ("common.h", "beamcore.h", "wire.h", "locking.h")]
PACKAGE = os.path.join(support.PYTHON_ROOT, "beamcore")

# The ctypes Structure of every struct the headers define.
STRUCTS = {
    "beam_buffer": _ffi.BeamBuffer,
    "beam_checkpoint": _ffi.BeamCheckpoint,
    "beam_network_vtable": _ffi.BeamNetworkVtable,
    "beam_clock_vtable": _ffi.BeamClockVtable,
    "beam_crypto_vtable": _ffi.BeamCryptoVtable,
    "beam_log_sink": _ffi.BeamLogSink,
    "beam_node_config": _ffi.BeamNodeConfig,
    "beam_node_health": _ffi.BeamNodeHealth,
    "beam_api_response": _ffi.BeamApiResponse,
}
# The versioned structs and their _init functions.
INIT_FUNCTIONS = {
    "beam_network_vtable": "beam_network_vtable_init",
    "beam_clock_vtable": "beam_clock_vtable_init",
    "beam_crypto_vtable": "beam_crypto_vtable_init",
    "beam_log_sink": "beam_log_sink_init",
    "beam_node_config": "beam_node_config_init",
    "beam_api_response": "beam_api_response_init",
    "beam_node_health": "beam_node_health_init",
}
# The ABI 1.0 size of structs a later 1.x appended fields to (the rest: the whole struct).
FIRST_SIZES = {
    "beam_node_config": _ffi.BeamNodeConfig.storage_sync.offset,  # 1.2 appended storage_sync, verify_threads
}
# Opaque handle types: passed as c_void_p.
OPAQUE = {"beam_node", "beam_state_borrow", "beam_xmss_key", "beam_bytes_sink", "beam_locked_map",
          "beam_block_cache"}
SCALARS = {
    "uint64_t": ctypes.c_uint64, "size_t": ctypes.c_size_t, "int32_t": ctypes.c_int32, "int": ctypes.c_int,
    "unsigned": ctypes.c_uint, "uint32_t": ctypes.c_uint32, "beam_status": ctypes.c_int32,
    "uint8_t": ctypes.c_uint8, "void": None,
}


def read_symbols():
    with open(SYMBOLS_FILE) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def header_text():
    text = ""
    for path in HEADERS:
        with open(path) as f:
            text += f.read() + "\n"
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


TEXT = header_text()
ENUMS = set(re.findall(r"typedef\s+enum\s+\w+\s*\{[^}]*\}\s*(\w+)\s*;", TEXT))
FUNCTION_POINTER_TYPEDEFS = set(re.findall(r"typedef\s+[\w\s\*]+\(\s*\*\s*(\w+)\s*\)", TEXT))


def parse_declaration(decl):
    """A C parameter or field declaration: (name, base type, pointer depth)."""
    decl = " ".join(decl.replace("*", " * ").split())
    array = "[" in decl
    decl = re.sub(r"\[[^\]]*\]", "", decl).strip()
    words = decl.split()
    name = words[-1]
    pointers = words.count("*") + (1 if array else 0)
    base = [w for w in words[:-1] if w not in ("const", "*", "struct", "enum")]
    return name, " ".join(base), pointers


def parse_functions():
    """name -> (return type text, [parameter declarations]) of every BEAM_EXPORT function."""
    out = {}
    pattern = r"BEAM_EXPORT\s+(?:BEAM_WARN_UNUSED_RESULT\s+)?([\w\s\*]+?)\s*\b(beam_\w+)\s*\(([^)]*)\)\s*;"
    for ret, name, params in re.findall(pattern, TEXT):
        params = " ".join(params.split())
        out[name] = (" ".join(ret.replace("*", " * ").split()),
                     [] if params in ("", "void") else [p.strip() for p in params.split(",")])
    return out


def parse_structs():
    """name -> [(field name, declaration)] of every typedef struct with a body."""
    out = {}
    for name, body, alias in re.findall(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", TEXT, flags=re.S):
        assert name == alias, name
        fields = []
        for decl in (d.strip() for d in body.split(";")):
            if not decl:
                continue
            fp = re.search(r"\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$", " ".join(decl.split()))
            fields.append((fp.group(1), decl) if fp else (parse_declaration(decl)[0], decl))
        out[name] = fields
    return out


FUNCTIONS = parse_functions()
STRUCT_FIELDS = parse_structs()


def is_pointer_type(t):
    return (t in (ctypes.c_void_p, ctypes.c_char_p) or issubclass(t, ctypes._Pointer)
            or issubclass(t, ctypes._CFuncPtr))


def expected_ctype(base, pointers):
    """What a C type must be in ctypes: a type, or a predicate over the ctypes type."""
    if base in FUNCTION_POINTER_TYPEDEFS and pointers == 0:
        return lambda t: issubclass(t, ctypes._CFuncPtr)
    if pointers == 0:
        if base in ENUMS:
            return ctypes.c_int
        return SCALARS[base]
    if pointers == 2 and base in OPAQUE:  # T** out
        return ctypes.POINTER(ctypes.c_void_p)
    if pointers == 1 and base in OPAQUE:
        return ctypes.c_void_p
    if pointers == 1 and base in STRUCTS:
        return ctypes.POINTER(STRUCTS[base])
    if pointers == 1 and base in ("uint8_t", "char"):  # byte input/output or C string
        return lambda t: t is ctypes.c_char_p or t is ctypes.POINTER(ctypes.c_uint8)
    if pointers == 1 and base in SCALARS:
        return ctypes.POINTER(SCALARS[base])
    if pointers == 1 and base == "void":  # user_data
        return ctypes.c_void_p
    raise AssertionError(f"no ctypes rule for {base}{'*' * pointers}")


def matches(expected, actual):
    return expected(actual) if callable(expected) and not isinstance(expected, type) else expected is actual


class SymbolCoverageTest(unittest.TestCase):
    """Every exported function is bound: a header addition without a binding fails here."""

    def test_symbols_file(self):
        symbols = read_symbols()
        self.assertEqual(len(symbols), len(set(symbols)))
        self.assertGreaterEqual(len(symbols), 81)  # 1.0 exports 81 functions
        self.assertEqual(len(_ffi.PROTOTYPES) + len(_ffi.OPTIONAL_PROTOTYPES), len(symbols))

    def test_every_symbol_has_a_declared_prototype(self):
        lib = beamcore.lib()
        declared = {**_ffi.PROTOTYPES, **_ffi.OPTIONAL_PROTOTYPES}
        for name in read_symbols():
            with self.subTest(symbol=name):
                self.assertIn(name, declared, f"{name} is exported but has no prototype in beamcore/_ffi.py")
                restype, argtypes = declared[name]
                fn = getattr(lib, name)
                self.assertIs(fn.restype, restype)
                self.assertIsNotNone(fn.argtypes, f"{name}: argtypes not set")
                self.assertEqual(list(fn.argtypes), list(argtypes))

    def test_no_prototype_without_a_symbol(self):
        symbols = set(read_symbols())
        self.assertEqual(sorted(set(_ffi.PROTOTYPES) - symbols), [])
        self.assertEqual(sorted(set(_ffi.OPTIONAL_PROTOTYPES) - symbols), [])

    def test_every_symbol_is_declared_in_a_header(self):
        self.assertEqual(sorted(FUNCTIONS), sorted(read_symbols()))

    def test_every_symbol_is_used_by_the_python_api(self):
        # Declaring is not binding: each function is called by some module of the package.
        sources = ""
        for name in sorted(os.listdir(PACKAGE)):
            if name.endswith(".py") and name != "_ffi.py":
                with open(os.path.join(PACKAGE, name)) as f:
                    sources += f.read()
        unused = [s for s in read_symbols() if f'"{s}"' not in sources and f".{s}(" not in sources]
        self.assertEqual(unused, [])


class PrototypeTest(unittest.TestCase):
    """Each prototype against its C declaration: return type, arity, argument types."""

    def test_prototypes_match_the_headers(self):
        for name, (ret, params) in sorted(FUNCTIONS.items()):
            with self.subTest(function=name):
                declared = {**_ffi.PROTOTYPES, **_ffi.OPTIONAL_PROTOTYPES}
                self.assertIn(name, declared)
                restype, argtypes = declared[name]
                _, ret_base, ret_pointers = parse_declaration(ret + " x")
                if ret_pointers:  # const char*: a static string
                    self.assertEqual((ret_base, ret_pointers), ("char", 1))
                    self.assertIs(restype, ctypes.c_char_p)
                else:  # void, beam_status, unsigned
                    self.assertIs(restype, expected_ctype(ret_base, 0), ret)
                self.assertEqual(len(argtypes), len(params), params)
                for param, argtype in zip(params, argtypes):
                    _, base, pointers = parse_declaration(param)
                    self.assertTrue(matches(expected_ctype(base, pointers), argtype), (param, argtype))


class StructLayoutTest(unittest.TestCase):
    def test_every_header_struct_is_bound(self):
        self.assertEqual(sorted(STRUCT_FIELDS), sorted(STRUCTS))

    def test_field_order_and_types(self):
        for name, fields in STRUCT_FIELDS.items():
            cls = STRUCTS[name]
            with self.subTest(struct=name):
                self.assertEqual([f for f, _ in cls._fields_], [f for f, _ in fields])
                for (field, decl), (_, ctype) in zip(fields, cls._fields_):
                    fp = re.search(r"^(.*?)\(\s*\*\s*\w+\s*\)\s*\((.*)\)$", " ".join(decl.split()))
                    if fp:  # a callback: its return type and arity
                        self.assertTrue(issubclass(ctype, ctypes._CFuncPtr), field)
                        params = [p for p in fp.group(2).split(",") if p.strip() not in ("", "void")]
                        self.assertEqual(len(ctype._argtypes_), len(params), field)
                        ret = fp.group(1).strip()
                        self.assertIs(ctype._restype_, SCALARS[ret] if ret != "void" else None, field)
                        for param, argtype in zip(params, ctype._argtypes_):
                            _, base, pointers = parse_declaration(param)
                            want = ctypes.c_void_p if pointers else expected_ctype(base, 0)
                            self.assertTrue(matches(want, argtype), (field, param))
                        self.assertEqual(parse_declaration(params[-1])[0], "user_data", field)
                        continue
                    _, base, pointers = parse_declaration(decl)
                    if "[" in decl:  # uint8_t root[32]
                        self.assertEqual(ctypes.sizeof(ctype), 32)
                    elif base in STRUCTS and pointers == 0:
                        self.assertIs(ctype, STRUCTS[base], field)
                    else:
                        self.assertTrue(matches(expected_ctype(base, pointers), ctype), (field, decl))

    def test_versioned_structs_start_with_struct_size(self):
        # common.h: struct_size first; callback structs have user_data second.
        for name in INIT_FUNCTIONS.keys() | {"beam_node_health"}:
            fields = [f for f, _ in STRUCTS[name]._fields_]
            self.assertEqual(fields[0], "struct_size", name)
            if name.endswith("_vtable") or name == "beam_log_sink":
                self.assertEqual(fields[1], "user_data", name)


class StructSizeTest(unittest.TestCase):
    """Each versioned struct's ABI 1.0 size, as the library's _init function accepts
    it, against ctypes.sizeof of the binding's Structure."""

    def init_into_scratch(self, name, size=None):
        scratch = (ctypes.c_uint8 * 1024)(*([0xAB] * 1024))
        size = ctypes.sizeof(STRUCTS[name]) if size is None else size
        fn = getattr(beamcore.lib(), INIT_FUNCTIONS[name])
        status = fn(ctypes.cast(scratch, ctypes.POINTER(STRUCTS[name])), size)
        return scratch, status

    def test_init_functions_accept_exactly_the_bindings_sizes(self):
        for name, cls in STRUCTS.items():
            if name not in INIT_FUNCTIONS:
                continue
            size = ctypes.sizeof(cls)
            with self.subTest(struct=name):
                scratch, status = self.init_into_scratch(name)
                self.assertEqual(status, beamcore.Status.OK)
                self.assertEqual(ctypes.c_size_t.from_buffer(scratch).value, size)
                # Zeroed up to the size, nothing written after it.
                self.assertEqual(bytes(scratch[size:]), b"\xab" * (1024 - size))
                # 1.0's size is accepted; one byte less is refused, nothing written.
                first = FIRST_SIZES.get(name, size)
                scratch, status = self.init_into_scratch(name, first)
                self.assertEqual(status, beamcore.Status.OK)
                self.assertEqual(bytes(scratch[first:]), b"\xab" * (1024 - first))
                scratch, status = self.init_into_scratch(name, first - 1)
                self.assertEqual(status, beamcore.Status.INVALID_ARGUMENT)
                self.assertEqual(bytes(scratch), b"\xab" * 1024)

    def test_defaults_land_on_the_bindings_fields(self):
        config = _ffi.BeamNodeConfig.from_buffer(self.init_into_scratch("beam_node_config")[0])
        self.assertEqual((config.chain_worker, config.is_aggregator), (1, 0))
        self.assertEqual((config.xmss_scheme, config.proof_mode), (_ffi.BEAM_XMSS_TEST, _ffi.BEAM_PROOFS_MOCKED))
        self.assertEqual((config.request_timeout_ms, config.range_sync_batch, config.validator_count), (0, 0, 0))
        self.assertFalse(config.network or config.clock or config.crypto or config.log)
        self.assertIsNone(config.data_dir)
        sink = _ffi.BeamLogSink.from_buffer(self.init_into_scratch("beam_log_sink")[0])
        self.assertEqual(sink.max_level, _ffi.BEAM_LOG_INFO)
        self.assertFalse(sink.log)
        self.assertIsNone(sink.user_data)
        for name in ("beam_network_vtable", "beam_clock_vtable", "beam_crypto_vtable"):
            vtable = STRUCTS[name].from_buffer(self.init_into_scratch(name)[0])
            self.assertIsNone(vtable.user_data, name)
            for field, _ in STRUCTS[name]._fields_[2:]:
                self.assertFalse(getattr(vtable, field), (name, field))

    def test_new_struct_uses_the_init_functions(self):
        for name, init in INIT_FUNCTIONS.items():
            s = _util.new_struct(STRUCTS[name], init)
            self.assertEqual(s.struct_size, ctypes.sizeof(STRUCTS[name]), name)
        self.assertEqual(_util.new_struct(_ffi.BeamNodeConfig, "beam_node_config_init").chain_worker, 1)
        self.assertEqual(_util.new_struct(_ffi.BeamLogSink, "beam_log_sink_init").max_level, _ffi.BEAM_LOG_INFO)

    def test_a_newer_bindings_larger_struct_is_zeroed_whole(self):
        class Bigger(ctypes.Structure):  # a binding that knows fields a later 1.x appended
            _fields_ = _ffi.BeamClockVtable._fields_ + [("later", ctypes.c_uint64)]

        lib = beamcore.lib()
        lib.beam_clock_vtable_init.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        try:
            s = Bigger(later=0xDEAD)
            self.assertEqual(lib.beam_clock_vtable_init(ctypes.byref(s), ctypes.sizeof(s)), beamcore.Status.OK)
            self.assertEqual((s.struct_size, s.later), (ctypes.sizeof(Bigger), 0))
        finally:
            lib.beam_clock_vtable_init.argtypes = _ffi.PROTOTYPES["beam_clock_vtable_init"][1]

    def test_node_health_size(self):
        # beam_node_health_get refuses a struct_size below 1.0's and fills both fields at
        # the binding's offsets.
        with beamcore.Node(support.genesis(), chain_worker=False) as node, node._h as ptr:
            lib = beamcore.lib()
            health = _ffi.BeamNodeHealth()
            health.struct_size = ctypes.sizeof(health) - 1
            self.assertEqual(lib.beam_node_health_get(ptr, ctypes.byref(health)), beamcore.Status.INVALID_ARGUMENT)
            health.struct_size = ctypes.sizeof(health)
            health.storage_failed, health.faults = 7, 0xDEAD
            self.assertEqual(lib.beam_node_health_get(ptr, ctypes.byref(health)), beamcore.Status.OK)
            self.assertEqual((health.storage_failed, health.faults), (0, 0))

    def test_create_refuses_a_smaller_config(self):
        g = support.genesis()
        config = _util.new_struct(_ffi.BeamNodeConfig, "beam_node_config_init")
        config.anchor_state_ssz, config.anchor_state_len = g, len(g)
        out = ctypes.c_void_p()
        config.struct_size = _ffi.BeamNodeConfig.data_dir.offset  # the config without data_dir
        with self.assertRaises(beamcore.InvalidArgument) as cm:
            beamcore.check(beamcore.lib().beam_node_create(ctypes.byref(config), ctypes.byref(out)))
        self.assertIn("struct_size", cm.exception.message)
        self.assertIsNone(out.value)

    def test_verify_threads_default_explicit_and_none(self):
        g = support.genesis()
        for threads in (0, 1, 3, beamcore.VERIFY_THREADS_NONE):
            with beamcore.Node(g, validator_indices=range(4), verify_threads=threads) as node:
                node.tick(6)
                node.wait_idle()
                self.assertEqual(node.head().slot, 0)
        with self.assertRaises((ValueError, OverflowError)):
            beamcore.Node(g, verify_threads=-1)

    def test_a_1_1_config_gets_normal_sync_and_an_unknown_sync_is_refused(self):
        g = support.genesis()
        lib = beamcore.lib()
        config = _util.new_struct(_ffi.BeamNodeConfig, "beam_node_config_init")
        config.anchor_state_ssz, config.anchor_state_len = g, len(g)
        config.chain_worker = 0
        config.storage_sync = 77  # beyond a 1.1 host's struct: never read
        config.struct_size = _ffi.BeamNodeConfig.storage_sync.offset
        out = ctypes.c_void_p()
        beamcore.check(lib.beam_node_create(ctypes.byref(config), ctypes.byref(out)))
        lib.beam_node_destroy(out)
        config.struct_size = ctypes.sizeof(config)
        out = ctypes.c_void_p()
        with self.assertRaises(beamcore.InvalidArgument) as cm:
            beamcore.check(lib.beam_node_create(ctypes.byref(config), ctypes.byref(out)))
        self.assertIn("storage_sync", cm.exception.message)
        self.assertIsNone(out.value)


if __name__ == "__main__":
    unittest.main()
