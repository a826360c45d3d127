// topk.cuh — order-preserving keys for radix sorting floats, shared by index.cu (topk) and cem.cu.
#pragma once
#include "common.cuh"

// The CPU's order (somnium.tensor.cpu.IndexOps.sortable): as signed ints, b >= 0 ? b : b ^ 0x7fffffff orders floats
// like Float.compare for non-NaN values (-0 < +0) and puts positive NaN last. Flipping the sign bit makes that
// an unsigned order; ~ reverses it for "largest first". A stable ascending sort of these keys with items in
// index order then breaks ties by the lower index, as the CPU does.
__device__ __forceinline__ unsigned sort_key(float v, bool largest) {
    int b = __float_as_int(v);
    int s = b >= 0 ? b : (b ^ 0x7fffffff);
    unsigned u = (unsigned) s ^ 0x80000000u;
    return largest ? ~u : u;
}

__device__ __forceinline__ unsigned long long sort_key(double v, bool largest) {
    long long b = __double_as_longlong(v);
    long long s = b >= 0 ? b : (b ^ 0x7fffffffffffffffLL);
    unsigned long long u = (unsigned long long) s ^ 0x8000000000000000ULL;
    return largest ? ~u : u;
}
