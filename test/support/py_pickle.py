"""CPython as the oracle for test/pickle.test.ts (run with /usr/bin/python3).

  decode FILE...   -> JSON list: each file's pickle.loads, converted to JSON-able data
  loads            -> reads hex lines on stdin, prints one JSON value per line
  seeds            -> prints hex pickles of sample values in protocols 0-5 (fuzz seeds)
  fuzz NODES DEPTH MEMO ITEMS
                   -> reads hex lines on stdin, prints {"ok": true, "v": value} or
                      {"ok": false, "e": reason} per line: pickle.loads restricted the way
                      BanGUI's decoder is (see restricted_loads), the oracle of
                      test/pickle-fuzz.test.ts

Conversion: tuples and lists -> lists, bytes -> {"__bytes__": hex}, exceptions ->
{"__exception__": "module.Class", "args": [...]}, ints beyond 2**53 -> {"__int__": "digits"},
floats that JSON cannot hold -> {"__float__": "nan"|"inf"|"-inf"}.
"""
import resource
import json
import math
import pickle
import re
import struct
import sys


def conv(v):
    if isinstance(v, BaseException):
        return {"__exception__": type(v).__module__ + "." + type(v).__name__, "args": [conv(a) for a in v.args]}
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    if isinstance(v, dict):
        return {str(k): conv(x) for k, x in v.items()}
    if isinstance(v, (bytes, bytearray)):
        return {"__bytes__": bytes(v).hex()}
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else {"__int__": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"__float__": "nan"}
        if math.isinf(v):
            return {"__float__": "inf" if v > 0 else "-inf"}
        return v
    raise TypeError(repr(v))


# ------------------------------------------------------------------ the restricted oracle
#
# BanGUI's decoder (src/main/fail2ban/unpickle.ts) reads what CPython reads, minus what it
# refuses. The same restrictions here, around CPython's own C unpickler:
# - globals: builtins.str (one str argument) and exception classes, which become records;
#   every other global refused (restricted_loads);
# - opcodes: only those the decoder implements; BUILD, NEWOBJ(_EX), INST, OBJ, persistent ids,
#   extensions, buffers, bytearrays and the protocol-0 text opcodes refused (a scan over the
#   opcodes up to STOP, before loading);
# - the result: no cycles, no class left uncalled, dict keys and set members str only, and the
#   budget (nodes counting shared objects once per reference, depth, items per container).

STR_GLOBALS = {"builtins.str", "__builtin__.str", "__builtin__.unicode"}
EXCEPTION_NAME = re.compile(r"([A-Z][A-Za-z0-9_]*)?(Error|Exception|Warning)")
FAIL2BAN_MODULE = re.compile(r"fail2ban(\.[a-z_][a-z0-9_]*)*")


class Refused(Exception):
    pass


class Opaque:
    """Has no attributes at all (so a dotted global name cannot walk past it)."""

    __slots__ = ()

    def __getattribute__(self, attr):
        raise AttributeError(attr)


class Exc:
    """An exception class called with args: a record, as the decoder makes it."""

    __slots__ = ("fqn", "args")

    def __init__(self, fqn, args):
        self.fqn = fqn
        self.args = args


class SafeStr(Opaque):
    __slots__ = ()

    def __call__(self, *args):
        if not args:
            return ""
        if len(args) > 1 or type(args[0]) is not str:
            raise Refused("str() with other than one string")
        return args[0]


class ExcClass(Opaque):
    __slots__ = ("fqn",)

    def __init__(self, fqn):
        object.__setattr__(self, "fqn", fqn)

    def __call__(self, *args):
        return Exc(object.__getattribute__(self, "fqn"), args)


class FakeModule(Opaque):
    """What find_class gets instead of a module: builtins.str and exception classes only."""

    __slots__ = ("name",)

    def __init__(self, name):
        object.__setattr__(self, "name", name)

    def __getattribute__(self, attr):
        name = object.__getattribute__(self, "name")
        fqn = name + "." + attr
        if fqn in STR_GLOBALS:
            return SafeStr()
        if EXCEPTION_NAME.fullmatch(attr) and (
            name in ("builtins", "exceptions", "__builtin__") or FAIL2BAN_MODULE.fullmatch(name)
        ):
            return ExcClass(fqn)
        raise AttributeError(attr)


def restricted_loads(data):
    """pickle.loads itself (the C unpickler on bytes in memory, as fail2ban-client runs it),
    with imports answered by FakeModule: nothing real is ever resolved. fix_imports=False: the
    decoder reports Python 2 names (exceptions.KeyError) as they are."""
    import builtins

    real_import = builtins.__import__
    saved = {}

    def fake_import(name, *args, **kwargs):
        if type(name) is not str:
            raise Refused("module name")
        if name not in saved:
            saved[name] = sys.modules.get(name)
        sys.modules[name] = FakeModule(name)
        return sys.modules[name]

    builtins.__import__ = fake_import
    try:
        return pickle.loads(data, fix_imports=False)
    finally:
        builtins.__import__ = real_import
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


FIXED = {  # opcode -> argument bytes
    0x80: 1, 0x95: 8, 0x4A: 4, 0x4B: 1, 0x4D: 2, 0x47: 8, 0x71: 1, 0x72: 4, 0x68: 1, 0x6A: 4,
}
# MARK ( EMPTY_LIST ] EMPTY_DICT } EMPTY_TUPLE ) EMPTY_SET APPEND a APPENDS e SETITEM s
# SETITEMS u ADDITEMS FROZENSET LIST l TUPLE t DICT d TUPLE1-3 POP 0 POP_MARK 1 DUP 2 NONE N
# NEWTRUE NEWFALSE MEMOIZE STACK_GLOBAL REDUCE R
ZERO = {0x28, 0x5D, 0x7D, 0x29, 0x8F, 0x61, 0x65, 0x73, 0x75, 0x90, 0x91, 0x6C, 0x74, 0x64,
        0x85, 0x86, 0x87, 0x30, 0x31, 0x32, 0x4E, 0x88, 0x89, 0x94, 0x93, 0x52}
SIZED = {  # opcode -> (size bytes, signed)
    0x8A: (1, False), 0x8B: (4, True), 0x8C: (1, False), 0x58: (4, False), 0x8D: (8, False),
    0x43: (1, False), 0x42: (4, False), 0x8E: (8, False), 0x55: (1, False), 0x54: (4, True),
}


def scan(data, max_memo):
    """Refuses opcodes the decoder does not run, up to STOP (or wherever parsing runs out)."""
    pos, n = 0, len(data)
    while pos < n:
        op = data[pos]
        pos += 1
        if op == 0x2E:  # STOP
            return
        if op in ZERO:
            continue
        if op in FIXED:
            size = FIXED[op]
            if op == 0x72 and pos + 4 <= n and struct.unpack_from("<I", data, pos)[0] >= max_memo:
                raise Refused("memo index over the limit")
            pos += size
        elif op in SIZED:
            width, signed = SIZED[op]
            if pos + width > n:
                return
            size = int.from_bytes(data[pos:pos + width], "little", signed=signed)
            if size < 0:
                return  # CPython refuses it itself
            pos += width + size
        elif op == 0x63:  # GLOBAL: two lines
            for _ in range(2):
                end = data.find(b"\n", pos)
                if end < 0:
                    return
                pos = end + 1
        else:
            raise Refused("opcode 0x%02x" % op)


def check(root, max_nodes, max_depth, max_items):
    sizes, heights = {}, {}

    def walk(v, depth):
        if isinstance(v, (str, int, float, bytes, type(None))):  # bool is an int
            return 1
        if isinstance(v, Opaque):
            raise Refused("a class in the result")
        key = id(v)
        if key in sizes:
            if sizes[key] < 0:
                raise Refused("cycle")
            if depth - 1 + heights[key] > max_depth:
                raise Refused("depth")
            return sizes[key]
        if depth > max_depth:
            raise Refused("depth")
        if isinstance(v, dict):
            if not all(type(k) is str for k in v):
                raise Refused("dict key not str")
            items = list(v.values())
        elif isinstance(v, (set, frozenset)):
            if not all(type(k) is str for k in v):
                raise Refused("set member not str")
            items = list(v)
        elif isinstance(v, Exc):
            items = list(v.args)
        else:
            items = v  # list, tuple
        if len(items) > max_items:
            raise Refused("items")
        sizes[key] = -1
        size, height = 1, 0
        for x in items:
            size += walk(x, depth + 1)
            if id(x) in heights:
                height = max(height, heights[id(x)])
            if size > max_nodes:
                raise Refused("nodes")
        sizes[key] = size
        heights[key] = height + 1
        return size

    walk(root, 1)


def utf16_order(s):
    return s.encode("utf-16-be", "surrogatepass")


def conv_restricted(v):
    if isinstance(v, Exc):
        return {"__exception__": v.fqn, "args": [conv_restricted(a) for a in v.args]}
    if isinstance(v, (set, frozenset)):
        return sorted(v, key=utf16_order)
    if isinstance(v, (list, tuple)):
        return [conv_restricted(x) for x in v]
    if isinstance(v, dict):
        return {k: conv_restricted(x) for k, x in v.items()}
    return conv(v)


def fuzz(max_nodes, max_depth, max_memo, max_items):
    out = sys.stdout
    for line in sys.stdin:
        data = bytes.fromhex(line.strip())
        try:
            scan(data, max_memo)
            value = restricted_loads(data)
            check(value, max_nodes, max_depth, max_items)
            out.write(json.dumps({"ok": True, "v": conv_restricted(value)}) + "\n")
        except RecursionError:
            out.write(json.dumps({"ok": False, "e": "RecursionError"}) + "\n")
        except Exception as e:  # every refusal, as the decoder's Fail2BanProtocolError
            out.write(json.dumps({"ok": False, "e": type(e).__name__ + ": " + str(e)[:200]}) + "\n")
    out.flush()


def seeds():
    shared = ["a", 1]
    rec = []
    rec.append(rec)
    values = [
        None, True, False, 0, 1, -1, 255, 65535, 2**31, -(2**31) - 1, 2**63, -(2**200), 10**30,
        0.5, -0.0, float("nan"), float("inf"), 1e300, "", "ascii", "\u00fc\u20ac", "\U0001f600",
        "\ud800", "a\x00b", b"", b"\x00\xff", bytearray(b"ba"), [], (), {}, set(), frozenset(),
        [1, [2, [3, (4, 5)]]], (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), {"k": "v", "n": [1, 2]},
        {1: "int key"}, {(1, 2): "tuple key"}, {"a", "b", "c"}, frozenset({"x", "y"}), {1, "1"},
        [shared, shared, (shared,)], rec, KeyError("sshd"), ValueError("a", 1), Exception(),
        (0, ["10.0.0.1", "10.0.0.2"]), (1, KeyError("nosuchjail")), [str(i) for i in range(30)],
        {"sshd": ["192.0.2.1"], "webapp": []}, ("x" * 300, b"y" * 300), list(range(1100)),
    ]
    for v in values:
        for proto in range(6):
            try:
                print(pickle.dumps(v, proto).hex())
            except Exception:
                pass


def main():
    mode = sys.argv[1]
    if mode == "decode":
        print(json.dumps([conv(pickle.loads(open(f, "rb").read())) for f in sys.argv[2:]]))
    elif mode == "loads":
        for line in sys.stdin:
            print(json.dumps(conv(pickle.loads(bytes.fromhex(line.strip())))), flush=True)
    elif mode == "seeds":
        seeds()
    elif mode == "fuzz":
        sys.set_int_max_str_digits(0)
        # a BINBYTES header may ask CPython to allocate gigabytes before it sees the data is not
        # there: a MemoryError instead (a refusal, as ours)
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        fuzz(*map(int, sys.argv[2:6]))
    else:
        raise SystemExit("unknown mode")


main()
