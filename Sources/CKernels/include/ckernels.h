#ifndef VANISH_CKERNELS_H
#define VANISH_CKERNELS_H

#include <stddef.h>

/// The widest vector instructions this CPU and OS offer: 2 = AVX-512F, 1 = AVX2 + FMA, 0 = neither.
int vk_simd_level(void);

/// C = (accumulate ? C : 0) + A·B, Float32, with AVX-512 (call only when vk_simd_level() == 2).
///
/// A is m × k, element (i, p) at a[i * aRowStride + p * aColumnStride] (so Aᵀ is just other
/// strides); B is k × n row-major with row stride ldb; C is m × n row-major with row stride ldc.
/// Every product element is one fused multiply-add chain over p = 0, 1, …, k − 1 in that order
/// (then C is added once), so the result does not depend on how the work is blocked or split.
void vk_gemm_avx512(int m, int n, int k, const float *a, long aRowStride, long aColumnStride,
                    const float *b, long ldb, float *c, long ldc, int accumulate);

/// dst (cols × rows, row stride ldd) = transpose of src (rows × cols, row stride lds).
void vk_transpose(int rows, int cols, const float *src, long lds, float *dst, long ldd);

/// Runs `iterations` rounds of independent fused multiply-adds on the widest registers the CPU has
/// (vk_simd_level) and returns a value that depends on all of them, so that none is optimised away.
float vk_fma_loop(long iterations);

/// Floating-point operations one round of vk_fma_loop performs (each FMA counts 2 per lane).
int vk_fma_loop_flops_per_iteration(void);

#endif
