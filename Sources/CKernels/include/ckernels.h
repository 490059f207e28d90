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

/// Elementwise activations with AVX-512 (call only when vk_simd_level() == 2); `in` and `out` may
/// be the same buffer. They perform exactly the operations of the Swift `VectorExp` code, one
/// multiply or add at a time (no fused multiply-add), so they give the same bits, 16 lanes at a time.
void vk_sigmoid_avx512(const float *in, float *out, long count);
void vk_tanh_avx512(const float *in, float *out, long count);

/// gradIn = gradOut · act'(a) from the activation's output a: kind 0 sigmoid a(1 − a),
/// 1 tanh 1 − a², 2 relu (1 where a > 0). AVX-512; same operation order as the Swift code.
void vk_activation_backward_avx512(int kind, const float *a, const float *gradOut, float *gradIn, long count);

/// sums[j] = Σ_i matrix[i·cols + j], rows added in order (the same bits as a scalar loop). AVX-512.
void vk_column_sums_avx512(const float *matrix, long rows, long cols, float *sums);

/// out[i] = a[i] + b[i]. AVX-512.
void vk_add_avx512(const float *a, const float *b, float *out, long count);

/// SGD with momentum, as the Swift loop does it: v = μ·v + g, w = w − lr·v (AVX-512).
/// With `change` and `size`, also returns Σ (w_new − w_old)² and Σ w_old² (for ‖ΔW‖ / ‖W‖).
void vk_sgd_avx512(float *weights, const float *grads, float *velocity, long count, float learningRate,
                   float momentum, double *change, double *size);

/// Runs `iterations` rounds of independent fused multiply-adds on the widest registers the CPU has
/// (vk_simd_level) and returns a value that depends on all of them, so that none is optimised away.
float vk_fma_loop(long iterations);

/// Floating-point operations one round of vk_fma_loop performs (each FMA counts 2 per lane).
int vk_fma_loop_flops_per_iteration(void);

#endif
