#include "ckernels.h"

// Products and sums stay separate operations unless written as FMA: results must match the Swift code.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static int detect_level(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int osxsave = (ecx >> 27) & 1, fma = (ecx >> 12) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    // The OS must save the YMM (bits 1-2) and, for AVX-512, the opmask and ZMM state (bits 5-7).
    if ((lo & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int avx2 = (ebx >> 5) & 1, avx512f = (ebx >> 16) & 1;
    if (avx512f && fma && (lo & 0xe0) == 0xe0) return 2;
    if (avx2 && fma) return 1;
    return 0;
}
#else
static int detect_level(void) { return 0; }
#endif

int vk_simd_level(void) {
    static int level = -1;
    if (level < 0) level = detect_level();  // idempotent: a race writes the same value
    return level;
}

#if defined(__x86_64__)

#define VK_AVX512 __attribute__((target("avx512f,fma"), always_inline)) static inline

/// ROWS rows × VECS vectors of 16 columns, all accumulators in registers (ROWS·VECS ≤ 24).
#define VK_TILE(ROWS, VECS)                                                                          \
    VK_AVX512 void tile_##ROWS##x##VECS(int k, const float *a, long ars, long acs, const float *b,   \
                                        long ldb, float *c, long ldc, __mmask16 last, int accumulate) { \
        __m512 acc[ROWS][VECS];                                                                      \
        __mmask16 mask[VECS];                                                                        \
        for (int v = 0; v < VECS; v++) mask[v] = v == VECS - 1 ? last : (__mmask16)0xffff;          \
        for (int r = 0; r < ROWS; r++)                                                               \
            for (int v = 0; v < VECS; v++)                                                           \
                acc[r][v] = _mm512_setzero_ps();                                                     \
        for (int p = 0; p < k; p++) {                                                                \
            const float *brow = b + p * ldb;                                                         \
            __m512 bv[VECS];                                                                         \
            for (int v = 0; v < VECS; v++) bv[v] = _mm512_maskz_loadu_ps(mask[v], brow + 16 * v);    \
            const float *acol = a + p * acs;                                                         \
            for (int r = 0; r < ROWS; r++) {                                                         \
                __m512 av = _mm512_set1_ps(acol[r * ars]);                                           \
                for (int v = 0; v < VECS; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);    \
            }                                                                                        \
        }                                                                                            \
        /* The product first, then C added once (as PyTorch's addmm adds the bias). */           \
        for (int r = 0; r < ROWS; r++)                                                               \
            for (int v = 0; v < VECS; v++) {                                                         \
                __m512 sum = acc[r][v];                                                              \
                if (accumulate)                                                                      \
                    sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(mask[v], c + r * ldc + 16 * v));  \
                _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mask[v], sum);                           \
            }                                                                                        \
    }

#define VK_TILES(VECS) VK_TILE(1, VECS) VK_TILE(2, VECS) VK_TILE(3, VECS) VK_TILE(4, VECS) \
    VK_TILE(5, VECS) VK_TILE(6, VECS)
VK_TILES(1)
VK_TILES(2)
VK_TILES(3)
VK_TILES(4)

/// NAME(m, …): the m rows in tiles of six, then one tile of the rest; tiles are PREFIX<rows>xSUFFIX.
#define VK_ROWS_OF(ATTR, NAME, PREFIX, SUFFIX, MASK)                                                      \
    ATTR void NAME(int m, int k, const float *a, long ars, long acs, const float *b, long ldb, float *c,   \
                   long ldc, MASK last, int accumulate) {                                                 \
        int i = 0;                                                                                        \
        for (; i + 6 <= m; i += 6) PREFIX##6x##SUFFIX(k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, last, accumulate); \
        const float *ai = a + i * ars;                                                                    \
        float *ci = c + i * ldc;                                                                          \
        switch (m - i) {                                                                                  \
        case 5: PREFIX##5x##SUFFIX(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;            \
        case 4: PREFIX##4x##SUFFIX(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;            \
        case 3: PREFIX##3x##SUFFIX(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;            \
        case 2: PREFIX##2x##SUFFIX(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;            \
        case 1: PREFIX##1x##SUFFIX(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;            \
        default: break;                                                                                   \
        }                                                                                                 \
    }
#define VK_ROWS(VECS) VK_ROWS_OF(VK_AVX512, rows_##VECS, tile_, VECS, __mmask16)
VK_ROWS(1)
VK_ROWS(2)
VK_ROWS(3)
VK_ROWS(4)

__attribute__((target("avx512f,fma")))
static void vk_gemm_avx512(int m, int n, int k, const float *a, long ars, long acs, const float *b, long ldb,
                    float *c, long ldc, int accumulate) {
    // Column panels of 64 (four registers) reuse each broadcast of A four times.
    for (int j = 0; j < n; j += 64) {
        int width = n - j < 64 ? n - j : 64;
        int vecs = (width + 15) / 16;
        int tail = width - 16 * (vecs - 1);
        __mmask16 last = (__mmask16)((1u << tail) - 1);
        switch (vecs) {
        case 1: rows_1(m, k, a, ars, acs, b + j, ldb, c + j, ldc, last, accumulate); break;
        case 2: rows_2(m, k, a, ars, acs, b + j, ldb, c + j, ldc, last, accumulate); break;
        case 3: rows_3(m, k, a, ars, acs, b + j, ldb, c + j, ldc, last, accumulate); break;
        default: rows_4(m, k, a, ars, acs, b + j, ldb, c + j, ldc, last, accumulate); break;
        }
    }
}

/* AVX2 + FMA: the same products, bit for bit, eight lanes per register. Sixteen ymm registers hold
   a 6 × 16 tile (twelve accumulators, two rows of B, one broadcast of A). Panels of 16 columns; a
   last panel narrower than 16 loads and stores its last vector through a lane mask. */

#define VK_AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline

VK_AVX2 __m256 load8(const float *p, __m256i mask, int masked) {
    return masked ? _mm256_maskload_ps(p, mask) : _mm256_loadu_ps(p);
}

VK_AVX2 void store8(float *p, __m256i mask, int masked, __m256 v) {
    if (masked) _mm256_maskstore_ps(p, mask, v);
    else _mm256_storeu_ps(p, v);
}

/// ROWS rows × VECS vectors of 8 columns; with MASKED, the last vector is read and written through `last`.
#define VK_TILE8(ROWS, VECS, MASKED, NAME)                                                           \
    VK_AVX2 void NAME(int k, const float *a, long ars, long acs, const float *b, long ldb, float *c,  \
                      long ldc, __m256i last, int accumulate) {                                       \
        __m256 acc[ROWS][VECS];                                                                      \
        for (int r = 0; r < ROWS; r++)                                                               \
            for (int v = 0; v < VECS; v++) acc[r][v] = _mm256_setzero_ps();                          \
        for (int p = 0; p < k; p++) {                                                                \
            const float *brow = b + p * ldb;                                                         \
            __m256 bv[VECS];                                                                         \
            for (int v = 0; v < VECS; v++) bv[v] = load8(brow + 8 * v, last, MASKED && v == VECS - 1); \
            const float *acol = a + p * acs;                                                         \
            for (int r = 0; r < ROWS; r++) {                                                         \
                __m256 av = _mm256_broadcast_ss(acol + r * ars);                                     \
                for (int v = 0; v < VECS; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);    \
            }                                                                                        \
        }                                                                                            \
        for (int r = 0; r < ROWS; r++)                                                               \
            for (int v = 0; v < VECS; v++) {                                                         \
                int masked = MASKED && v == VECS - 1;                                                \
                __m256 sum = acc[r][v];                                                              \
                if (accumulate) sum = _mm256_add_ps(sum, load8(c + r * ldc + 8 * v, last, masked));  \
                store8(c + r * ldc + 8 * v, last, masked, sum);                                      \
            }                                                                                        \
    }

#define VK_TILES8(VECS, MASKED, SUFFIX)                                                                  \
    VK_TILE8(1, VECS, MASKED, tile8_1x##VECS##SUFFIX) VK_TILE8(2, VECS, MASKED, tile8_2x##VECS##SUFFIX) \
    VK_TILE8(3, VECS, MASKED, tile8_3x##VECS##SUFFIX) VK_TILE8(4, VECS, MASKED, tile8_4x##VECS##SUFFIX) \
    VK_TILE8(5, VECS, MASKED, tile8_5x##VECS##SUFFIX) VK_TILE8(6, VECS, MASKED, tile8_6x##VECS##SUFFIX)
VK_TILES8(1, 1, m)
VK_TILES8(2, 0, )
VK_TILES8(2, 1, m)

#define VK_ROWS8(NAME) VK_ROWS_OF(VK_AVX2, rows8_##NAME, tile8_, NAME, __m256i)
VK_ROWS8(1m)
VK_ROWS8(2)
VK_ROWS8(2m)

__attribute__((target("avx2,fma")))
static void vk_gemm_avx2(int m, int n, int k, const float *a, long ars, long acs, const float *b, long ldb,
                         float *c, long ldc, int accumulate) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int j = 0;
    for (; j + 16 <= n; j += 16) rows8_2(m, k, a, ars, acs, b + j, ldb, c + j, ldc, lanes, accumulate);
    int width = n - j;
    if (width == 0) return;
    // Lanes below the tail width are set (sign bit), the others not.
    __m256i last = _mm256_cmpgt_epi32(_mm256_set1_epi32(width > 8 ? width - 8 : width), lanes);
    if (width > 8) rows8_2m(m, k, a, ars, acs, b + j, ldb, c + j, ldc, last, accumulate);
    else rows8_1m(m, k, a, ars, acs, b + j, ldb, c + j, ldc, last, accumulate);
}

#define VK_EW __attribute__((target("avx512f"), always_inline)) static inline

/// Cephes-style exp, operation for operation as `VectorExp.exp` (Swift, eight lanes).
VK_EW __m512 exp16(__m512 x) {
    const __m512 low = _mm512_set1_ps(-87.33654f), high = _mm512_set1_ps(88.72283f);
    // "replace where x < low" (not max): a NaN stays NaN, as in the Swift code.
    __m512 v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, low, _CMP_LT_OQ), x, low);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, high, _CMP_GT_OQ), v, high);
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 shifted = _mm512_add_ps(_mm512_mul_ps(v, _mm512_set1_ps(1.442695041f)), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_sub_ps(v, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
    r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(-2.12194440e-4f)));
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), _mm512_set1_ps(1.0f));
    __m512i integer = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    __m512i exponent = _mm512_slli_epi32(_mm512_add_epi32(integer, _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(exponent));
}

/// −x by flipping the sign bit, as Swift's prefix minus does (0 − x would turn −0 into +0).
VK_EW __m512 negate16(__m512 x) {
    return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u)));
}

VK_EW __mmask16 tail_mask(long remaining) {
    return remaining >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remaining) - 1);
}

__attribute__((target("avx512f"))) static void vk_sigmoid_avx512(const float *in, float *out, long count) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        __m512 x = _mm512_maskz_loadu_ps(m, in + i);
        __m512 e = exp16(negate16(x));
        _mm512_mask_storeu_ps(out + i, m, _mm512_div_ps(one, _mm512_add_ps(one, e)));
    }
}

__attribute__((target("avx512f"))) static void vk_tanh_avx512(const float *in, float *out, long count) {
    const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    const __m512 c7 = _mm512_set1_ps(-17.0f / 315.0f), c5 = _mm512_set1_ps(2.0f / 15.0f),
                 c3 = _mm512_set1_ps(-1.0f / 3.0f), small = _mm512_set1_ps(0.0625f),
                 minusTwo = _mm512_set1_ps(-2.0f);
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        __m512 x = _mm512_maskz_loadu_ps(m, in + i);
        __mmask16 negative = _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ);
        __m512 magnitude = _mm512_mask_blend_ps(negative, x, negate16(x));
        __m512 e = exp16(_mm512_mul_ps(minusTwo, magnitude));
        __m512 y = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
        __m512 x2 = _mm512_mul_ps(x, x);
        __m512 series = _mm512_add_ps(_mm512_mul_ps(x2, c7), c5);
        series = _mm512_add_ps(_mm512_mul_ps(series, x2), c3);
        series = _mm512_mul_ps(_mm512_add_ps(_mm512_mul_ps(series, x2), one), x);
        y = _mm512_mask_blend_ps(negative, y, negate16(y));
        y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(magnitude, small, _CMP_LT_OQ), y, series);
        _mm512_mask_storeu_ps(out + i, m, y);
    }
}

__attribute__((target("avx512f"))) static void vk_activation_backward_avx512(int kind, const float *a, const float *gradOut,
                                                                      float *gradIn, long count) {
    const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        __m512 y = _mm512_maskz_loadu_ps(m, a + i);
        __m512 g = _mm512_maskz_loadu_ps(m, gradOut + i);
        __m512 result;
        switch (kind) {
        case 0: result = _mm512_mul_ps(_mm512_mul_ps(g, y), _mm512_sub_ps(one, y)); break;
        case 1: result = _mm512_mul_ps(g, _mm512_sub_ps(one, _mm512_mul_ps(y, y))); break;
        default: result = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, zero, _CMP_GT_OQ), g); break;
        }
        _mm512_mask_storeu_ps(gradIn + i, m, result);
    }
}

__attribute__((target("avx512f"))) static void vk_column_sums_avx512(const float *matrix, long rows, long cols,
                                                              float *sums) {
    for (long j = 0; j < cols; j += 16) {
        __mmask16 m = tail_mask(cols - j);
        __m512 total = _mm512_setzero_ps();
        for (long i = 0; i < rows; i++) total = _mm512_add_ps(total, _mm512_maskz_loadu_ps(m, matrix + i * cols + j));
        _mm512_mask_storeu_ps(sums + j, m, total);
    }
}

__attribute__((target("avx512f"))) static void vk_add_avx512(const float *a, const float *b, float *out, long count) {
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        _mm512_mask_storeu_ps(out + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
    }
}

__attribute__((target("avx512f"))) static void vk_sgd_avx512(float *weights, const float *grads, float *velocity, long count,
                                                      float learningRate, float momentum, double *change,
                                                      double *size) {
    const __m512 mu = _mm512_set1_ps(momentum), lr = _mm512_set1_ps(learningRate);
    __m512 changeSum = _mm512_setzero_ps(), sizeSum = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = tail_mask(count - i);
        __m512 w = _mm512_maskz_loadu_ps(m, weights + i);
        __m512 v = _mm512_add_ps(_mm512_mul_ps(mu, _mm512_maskz_loadu_ps(m, velocity + i)),
                                 _mm512_maskz_loadu_ps(m, grads + i));
        __m512 updated = _mm512_sub_ps(w, _mm512_mul_ps(lr, v));
        _mm512_mask_storeu_ps(velocity + i, m, v);
        _mm512_mask_storeu_ps(weights + i, m, updated);
        if (change) {
            __m512 d = _mm512_sub_ps(updated, w);
            changeSum = _mm512_add_ps(changeSum, _mm512_mul_ps(d, d));
            sizeSum = _mm512_add_ps(sizeSum, _mm512_mul_ps(w, w));
        }
    }
    if (change && size) {
        float lanes[16], sizes[16];
        _mm512_storeu_ps(lanes, changeSum);
        _mm512_storeu_ps(sizes, sizeSum);
        double c = 0, z = 0;
        for (int i = 0; i < 16; i++) {
            c += lanes[i];
            z += sizes[i];
        }
        *change = c;
        *size = z;
    }
}

/* AVX2 twins of the passes above: the same operations in the same order, eight lanes at a time.
   target("avx2") without "fma", so no multiply and add can be fused. A tail shorter than eight is
   read through a lane mask (zeros elsewhere, as the AVX-512 masked loads) and written through it. */

#define VK_EW8 __attribute__((target("avx2"), always_inline)) static inline

VK_EW8 __m256 exp8(__m256 x) {
    const __m256 low = _mm256_set1_ps(-87.33654f), high = _mm256_set1_ps(88.72283f);
    __m256 v = _mm256_blendv_ps(x, low, _mm256_cmp_ps(x, low, _CMP_LT_OQ));
    v = _mm256_blendv_ps(v, high, _mm256_cmp_ps(v, high, _CMP_GT_OQ));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 shifted = _mm256_add_ps(_mm256_mul_ps(v, _mm256_set1_ps(1.442695041f)), magic);
    __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_sub_ps(v, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f)));
    r = _mm256_sub_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(-2.12194440e-4f)));
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
    __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_castps_si256(magic));
    __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

VK_EW8 __m256 negate8(__m256 x) { return _mm256_xor_ps(x, _mm256_set1_ps(-0.0f)); }

/// All lanes when eight or more remain, else the first `remaining`.
VK_EW8 __m256i tail_mask8(long remaining) {
    int width = remaining >= 8 ? 8 : (int)remaining;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(width), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Runs BODY(i, mask) over full vectors with mask == 0 (plain loads and stores), then once for a tail.
#define VK_LOOP8(count, BODY)                                     \
    do {                                                          \
        long i_ = 0;                                              \
        for (; i_ + 8 <= (count); i_ += 8) BODY(i_, 0);           \
        if (i_ < (count)) BODY(i_, 1);                            \
    } while (0)

#define LOAD8(p, masked) ((masked) ? _mm256_maskload_ps((p), tail) : _mm256_loadu_ps(p))
#define STORE8(p, masked, v) \
    do { if (masked) _mm256_maskstore_ps((p), tail, (v)); else _mm256_storeu_ps((p), (v)); } while (0)

__attribute__((target("avx2"))) static void vk_sigmoid_avx2(const float *in, float *out, long count) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256i tail = tail_mask8(count % 8);
#define SIGMOID8(i, masked)                                                            \
    {                                                                                 \
        __m256 e = exp8(negate8(LOAD8(in + (i), masked)));                            \
        STORE8(out + (i), masked, _mm256_div_ps(one, _mm256_add_ps(one, e)));        \
    }
    VK_LOOP8(count, SIGMOID8);
#undef SIGMOID8
}

__attribute__((target("avx2"))) static void vk_tanh_avx2(const float *in, float *out, long count) {
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    const __m256 c7 = _mm256_set1_ps(-17.0f / 315.0f), c5 = _mm256_set1_ps(2.0f / 15.0f),
                 c3 = _mm256_set1_ps(-1.0f / 3.0f), small = _mm256_set1_ps(0.0625f),
                 minusTwo = _mm256_set1_ps(-2.0f);
    const __m256i tail = tail_mask8(count % 8);
#define TANH8(i, masked)                                                                          \
    {                                                                                            \
        __m256 x = LOAD8(in + (i), masked);                                                      \
        __m256 negative = _mm256_cmp_ps(x, zero, _CMP_LT_OQ);                                    \
        __m256 magnitude = _mm256_blendv_ps(x, negate8(x), negative);                            \
        __m256 e = exp8(_mm256_mul_ps(minusTwo, magnitude));                                     \
        __m256 y = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));                  \
        __m256 x2 = _mm256_mul_ps(x, x);                                                         \
        __m256 series = _mm256_add_ps(_mm256_mul_ps(x2, c7), c5);                                \
        series = _mm256_add_ps(_mm256_mul_ps(series, x2), c3);                                   \
        series = _mm256_mul_ps(_mm256_add_ps(_mm256_mul_ps(series, x2), one), x);                \
        y = _mm256_blendv_ps(y, negate8(y), negative);                                           \
        y = _mm256_blendv_ps(y, series, _mm256_cmp_ps(magnitude, small, _CMP_LT_OQ));           \
        STORE8(out + (i), masked, y);                                                            \
    }
    VK_LOOP8(count, TANH8);
#undef TANH8
}

__attribute__((target("avx2"))) static void vk_activation_backward_avx2(int kind, const float *a, const float *gradOut,
                                                                 float *gradIn, long count) {
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    const __m256i tail = tail_mask8(count % 8);
    // One loop per kind, so that the choice is not made again for every vector.
#define BACKWARD8(EXPR)                                                                 \
    {                                                                                   \
        long i = 0;                                                                     \
        for (; i + 8 <= count; i += 8) {                                                \
            __m256 y = _mm256_loadu_ps(a + i), g = _mm256_loadu_ps(gradOut + i);        \
            _mm256_storeu_ps(gradIn + i, EXPR);                                         \
        }                                                                               \
        if (i < count) {                                                                \
            __m256 y = _mm256_maskload_ps(a + i, tail), g = _mm256_maskload_ps(gradOut + i, tail); \
            _mm256_maskstore_ps(gradIn + i, tail, EXPR);                                \
        }                                                                               \
    }
    switch (kind) {
    case 0: BACKWARD8(_mm256_mul_ps(_mm256_mul_ps(g, y), _mm256_sub_ps(one, y))); break;
    case 1: BACKWARD8(_mm256_mul_ps(g, _mm256_sub_ps(one, _mm256_mul_ps(y, y)))); break;
    default: BACKWARD8(_mm256_and_ps(_mm256_cmp_ps(y, zero, _CMP_GT_OQ), g)); break;
    }
#undef BACKWARD8
}

__attribute__((target("avx2"))) static void vk_column_sums_avx2(const float *matrix, long rows, long cols, float *sums) {
    for (long j = 0; j < cols; j += 8) {
        const __m256i tail = tail_mask8(cols - j);
        int masked = cols - j < 8;
        __m256 total = _mm256_setzero_ps();
        for (long i = 0; i < rows; i++) total = _mm256_add_ps(total, LOAD8(matrix + i * cols + j, masked));
        STORE8(sums + j, masked, total);
    }
}

__attribute__((target("avx2"))) static void vk_add_avx2(const float *a, const float *b, float *out, long count) {
    const __m256i tail = tail_mask8(count % 8);
#define ADD8(i, masked) STORE8(out + (i), masked, _mm256_add_ps(LOAD8(a + (i), masked), LOAD8(b + (i), masked)))
    VK_LOOP8(count, ADD8);
#undef ADD8
}

/// The sums are kept in sixteen lanes (two registers: elements 16q + 0…7 and 16q + 8…15) and added up
/// in the same order as vk_sgd_avx512 adds its sixteen lanes, so both give the same bits.
__attribute__((target("avx2"))) static void vk_sgd_avx2(float *weights, const float *grads, float *velocity, long count,
                                                 float learningRate, float momentum, double *change, double *size) {
    const __m256 mu = _mm256_set1_ps(momentum), lr = _mm256_set1_ps(learningRate);
    __m256 changeSum[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    __m256 sizeSum[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    const __m256i tail = tail_mask8(count % 8);
#define SGD8(i, masked)                                                                                  \
    {                                                                                                   \
        __m256 w = LOAD8(weights + (i), masked);                                                        \
        __m256 v = _mm256_add_ps(_mm256_mul_ps(mu, LOAD8(velocity + (i), masked)), LOAD8(grads + (i), masked)); \
        __m256 updated = _mm256_sub_ps(w, _mm256_mul_ps(lr, v));                                         \
        STORE8(velocity + (i), masked, v);                                                              \
        STORE8(weights + (i), masked, updated);                                                         \
        if (change) {                                                                                   \
            int half = (int)(((i) / 8) & 1);                                                            \
            __m256 d = _mm256_sub_ps(updated, w);                                                       \
            changeSum[half] = _mm256_add_ps(changeSum[half], _mm256_mul_ps(d, d));                      \
            sizeSum[half] = _mm256_add_ps(sizeSum[half], _mm256_mul_ps(w, w));                          \
        }                                                                                               \
    }
    VK_LOOP8(count, SGD8);
#undef SGD8
    if (change && size) {
        float lanes[16], sizes[16];
        _mm256_storeu_ps(lanes, changeSum[0]);
        _mm256_storeu_ps(lanes + 8, changeSum[1]);
        _mm256_storeu_ps(sizes, sizeSum[0]);
        _mm256_storeu_ps(sizes + 8, sizeSum[1]);
        double c = 0, z = 0;
        for (int i = 0; i < 16; i++) {
            c += lanes[i];
            z += sizes[i];
        }
        *change = c;
        *size = z;
    }
}

#undef LOAD8
#undef STORE8

__attribute__((target("avx512f,fma")))
static float fma_loop_avx512(long iterations) {
    // Twelve independent chains cover the FMA latency (4 cycles) on two ports.
    __m512 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps((float)i * 1e-3f);
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-6f);
    for (long it = 0; it < iterations; it++)
        for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    __m512 total = acc[0];
    for (int i = 1; i < 12; i++) total = _mm512_add_ps(total, acc[i]);
    return _mm512_reduce_add_ps(total);
}

__attribute__((target("avx2,fma")))
static float fma_loop_avx2(long iterations) {
    __m256 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i * 1e-3f);
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-6f);
    for (long it = 0; it < iterations; it++)
        for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    __m256 total = acc[0];
    for (int i = 1; i < 12; i++) total = _mm256_add_ps(total, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    float sum = 0;
    for (int i = 0; i < 8; i++) sum += lanes[i];
    return sum;
}
#endif

/* Entry points: the AVX-512 version where vk_simd_level() is 2, the AVX2 one where it is 1. */

#if defined(__x86_64__)
#define VK_DISPATCH(name, ...)                          \
    do {                                                \
        switch (vk_simd_level()) {                      \
        case 2: name##_avx512(__VA_ARGS__); return;     \
        case 1: name##_avx2(__VA_ARGS__); return;       \
        default: break;                                 \
        }                                               \
    } while (0)
#else
#define VK_DISPATCH(name, ...) do { } while (0)
#endif

void vk_gemm(int m, int n, int k, const float *a, long ars, long acs, const float *b, long ldb, float *c, long ldc,
             int accumulate) {
    VK_DISPATCH(vk_gemm, m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate);
    // Without AVX2 (slow; training uses OpenBLAS there): the same chains one element at a time.
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float sum = 0;
            for (int p = 0; p < k; p++) sum = __builtin_fmaf(a[i * ars + p * acs], b[p * ldb + j], sum);
            c[i * ldc + j] = accumulate ? sum + c[i * ldc + j] : sum;
        }
}

void vk_sigmoid(const float *in, float *out, long count) {
    VK_DISPATCH(vk_sigmoid, in, out, count);
    __builtin_trap();
}

void vk_tanh(const float *in, float *out, long count) {
    VK_DISPATCH(vk_tanh, in, out, count);
    __builtin_trap();
}

void vk_activation_backward(int kind, const float *a, const float *gradOut, float *gradIn, long count) {
    VK_DISPATCH(vk_activation_backward, kind, a, gradOut, gradIn, count);
    __builtin_trap();
}

void vk_column_sums(const float *matrix, long rows, long cols, float *sums) {
    VK_DISPATCH(vk_column_sums, matrix, rows, cols, sums);
    __builtin_trap();
}

void vk_add(const float *a, const float *b, float *out, long count) {
    VK_DISPATCH(vk_add, a, b, out, count);
    __builtin_trap();
}

void vk_sgd(float *weights, const float *grads, float *velocity, long count, float learningRate, float momentum,
            double *change, double *size) {
    VK_DISPATCH(vk_sgd, weights, grads, velocity, count, learningRate, momentum, change, size);
    __builtin_trap();
}

#if defined(__x86_64__)
/// One 8 × 8 block through AVX registers: unpack pairs, then quads, then 128-bit halves.
__attribute__((target("avx2"), always_inline)) static inline void transpose8(const float *src, long lds, float *dst,
                                                                            long ldd) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds), r2 = _mm256_loadu_ps(src + 2 * lds),
           r3 = _mm256_loadu_ps(src + 3 * lds), r4 = _mm256_loadu_ps(src + 4 * lds),
           r5 = _mm256_loadu_ps(src + 5 * lds), r6 = _mm256_loadu_ps(src + 6 * lds),
           r7 = _mm256_loadu_ps(src + 7 * lds);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
           t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
           t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee),
           u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee),
           u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}

__attribute__((target("avx2"))) static void transpose_avx2(int rows, int cols, const float *src, long lds,
                                                           float *dst, long ldd) {
    int fullRows = rows / 8 * 8, fullCols = cols / 8 * 8;
    for (int i = 0; i < fullRows; i += 8)
        for (int j = 0; j < fullCols; j += 8) transpose8(src + i * lds + j, lds, dst + j * ldd + i, ldd);
    for (int i = 0; i < rows; i++)
        for (int j = i < fullRows ? fullCols : 0; j < cols; j++) dst[j * ldd + i] = src[i * lds + j];
}
#endif

void vk_transpose(int rows, int cols, const float *src, long lds, float *dst, long ldd) {
#if defined(__x86_64__)
    if (vk_simd_level() >= 1) {
        transpose_avx2(rows, cols, src, lds, dst, ldd);
        return;
    }
#endif
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) dst[j * ldd + i] = src[i * lds + j];
}

/// Four-lane SSE multiply and add (no FMA): the baseline every x86-64 and ARM64 has.
static float fma_loop_scalar(long iterations) {
    typedef float v4 __attribute__((vector_size(16)));
    v4 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = (v4){1, 1, 1, 1} * ((float)i * 1e-3f);
    const v4 x = {0.999999f, 0.999999f, 0.999999f, 0.999999f}, y = {1e-6f, 1e-6f, 1e-6f, 1e-6f};
    for (long it = 0; it < iterations; it++)
        for (int i = 0; i < 12; i++) acc[i] = acc[i] * x + y;
    float sum = 0;
    for (int i = 0; i < 12; i++) sum += acc[i][0] + acc[i][1] + acc[i][2] + acc[i][3];
    return sum;
}

float vk_fma_loop(long iterations) {
#if defined(__x86_64__)
    switch (vk_simd_level()) {
    case 2: return fma_loop_avx512(iterations);
    case 1: return fma_loop_avx2(iterations);
    default: break;
    }
#endif
    return fma_loop_scalar(iterations);
}

int vk_fma_loop_flops_per_iteration(void) {
    switch (vk_simd_level()) {
    case 2: return 12 * 16 * 2;
    case 1: return 12 * 8 * 2;
    default: return 12 * 4 * 2;
    }
}
