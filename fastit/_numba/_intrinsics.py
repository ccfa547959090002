"""Two LLVM operations Numba does not expose, for the fused histogram kernel.

- ``prefetch(array, i)``: ask the CPU to start loading ``array[i]`` into cache.  A
  hint only (``llvm.prefetch``): it never faults, even past the end of the array, and
  changes no result.  A loop that alternates a streaming phase with a phase that
  reads no new memory (bin a batch, then count it) prefetches the next batch during
  the second phase, so the memory bus never idles.
- ``float_bits(v)``: the IEEE-754 bits of a float64 as a uint64 (a bitcast), so a
  vectorised loop can test a float's sign and magnitude with one integer comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

__all__ = ["float_bits", "prefetch"]

_I32 = ir.IntType(32)
# llvm.prefetch(address, rw = 0: read, locality = 3: keep in all cache levels, 1: data)
_READ, _KEEP, _DATA = ir.Constant(_I32, 0), ir.Constant(_I32, 3), ir.Constant(_I32, 1)


# numba.core.cgutils has no annotations.
_item_pointer: Any = cgutils.get_item_pointer
_declare: Any = cgutils.get_or_insert_function


def _prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None
    sig = types.void(array, index)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        address = _item_pointer(context, builder, array_type, view, [args[1]], wraparound=False)
        byte_pointer = ir.IntType(8).as_pointer()
        address = builder.bitcast(address, byte_pointer)
        # The name carries the pointer type: "p0i8" for typed pointers (LLVM renames
        # it when it reads IR with opaque pointers), "p0" for an opaque one.
        opaque = getattr(byte_pointer, "is_opaque", False)
        name = "llvm.prefetch.p0" if opaque else "llvm.prefetch.p0i8"
        function = _declare(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, _I32, _I32, _I32]), name
        )
        builder.call(function, [address, _READ, _KEEP, _DATA])
        return context.get_dummy_value()

    return sig, codegen


prefetch = cast(Callable[[Any, int], None], intrinsic(_prefetch))


def _float_bits(typingctx: Any, value: Any) -> Any:
    if not (isinstance(value, types.Float) and value.bitwidth == 64):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], ir.IntType(64))

    return types.uint64(value), codegen


float_bits = cast(Callable[[float], int], intrinsic(_float_bits))
