#ifndef VANISH_CKERNELS_H
#define VANISH_CKERNELS_H

#include <stddef.h>

/// The widest vector instructions this CPU and OS offer: 2 = AVX-512F, 1 = AVX2 + FMA, 0 = neither.
int vk_simd_level(void);

/// C = (accumulate ? C : 0) + A·B, Float32: AVX-512 where vk_simd_level() is 2 (tiles of 6 rows ×
/// 64 columns), AVX2 + FMA where it is 1 (6 × 16), else one element at a time (slow).
///
/// A is m × k, element (i, p) at a[i * aRowStride + p * aColumnStride] (so Aᵀ is just other
/// strides); B is k × n row-major with row stride ldb; C is m × n row-major with row stride ldc.
/// Every product element is one fused multiply-add chain over p = 0, 1, …, k − 1 in that order,
/// starting from +0 (then C is added once), so the result does not depend on how the work is
/// blocked or split, nor on the vector width: every path gives the same bits.
void vk_gemm(int m, int n, int k, const float *a, long aRowStride, long aColumnStride,
             const float *b, long ldb, float *c, long ldc, int accumulate);

/// dst (cols × rows, row stride ldd) = transpose of src (rows × cols, row stride lds).
void vk_transpose(int rows, int cols, const float *src, long lds, float *dst, long ldd);

/* The elementwise passes below need vk_simd_level() ≥ 1 (they stop the program otherwise). They
   use AVX-512 (16 lanes) or AVX2 (8 lanes) and perform exactly the operations of the Swift code
   (`VectorExp`, `ActivationKernel`, `Optimizer`), one multiply or add at a time (no fused
   multiply-add), so they give the same bits as the Swift eight-lane loops, and as each other. */

/// Elementwise activations; `in` and `out` may be the same buffer.
void vk_sigmoid(const float *in, float *out, long count);
void vk_tanh(const float *in, float *out, long count);

/// gradIn = gradOut · act'(a) from the activation's output a: kind 0 sigmoid a(1 − a),
/// 1 tanh 1 − a², 2 relu (1 where a > 0).
void vk_activation_backward(int kind, const float *a, const float *gradOut, float *gradIn, long count);

/// sums[j] = Σ_i matrix[i·cols + j], rows added in order (the same bits as a scalar loop).
void vk_column_sums(const float *matrix, long rows, long cols, float *sums);

/// out[i] = a[i] + b[i].
void vk_add(const float *a, const float *b, float *out, long count);

/// SGD with momentum, as the Swift loop does it: v = μ·v + g, w = w − lr·v.
/// With `change` and `size`, also returns Σ (w_new − w_old)² and Σ w_old² (for ‖ΔW‖ / ‖W‖), summed
/// in 16 Float32 lanes (element i in lane i mod 16), then the lanes in order in Double; the AVX2
/// version keeps 16 lanes in two registers so that both widths give the same bits.
void vk_sgd(float *weights, const float *grads, float *velocity, long count, float learningRate,
            float momentum, double *change, double *size);

/// Runs `iterations` rounds of independent fused multiply-adds on the widest registers the CPU has
/// (vk_simd_level) and returns a value that depends on all of them, so that none is optimised away.
float vk_fma_loop(long iterations);

/// Floating-point operations one round of vk_fma_loop performs (each FMA counts 2 per lane).
int vk_fma_loop_flops_per_iteration(void);

#endif
