"""CPython as the oracle for test/pickle.test.ts (run with /usr/bin/python3).

  decode FILE...   -> JSON list: each file's pickle.loads, converted to JSON-able data
  loads            -> reads hex lines on stdin, prints one JSON value per line
  dumps            -> reads JSON lines on stdin ({"kind": ..., ...}), prints hex pickles

Conversion: tuples and lists -> lists, bytes -> {"__bytes__": hex}, exceptions ->
{"__exception__": "module.Class", "args": [...]}, ints beyond 2**53 -> {"__int__": "digits"},
floats that JSON cannot hold -> {"__float__": "nan"|"inf"|"-inf"}.
"""
import json
import math
import pickle
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
        return v if abs(v) <= 2**53 else {"__int__": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"__float__": "nan"}
        if math.isinf(v):
            return {"__float__": "inf" if v > 0 else "-inf"}
        return v
    raise TypeError(repr(v))


def main():
    mode = sys.argv[1]
    if mode == "decode":
        print(json.dumps([conv(pickle.loads(open(f, "rb").read())) for f in sys.argv[2:]]))
    elif mode == "loads":
        for line in sys.stdin:
            print(json.dumps(conv(pickle.loads(bytes.fromhex(line.strip())))), flush=True)
    else:
        raise SystemExit("unknown mode")


main()
