#include "ckernels.h"

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

#define VK_ROWS(VECS)                                                                                    \
    VK_AVX512 void rows_##VECS(int m, int k, const float *a, long ars, long acs, const float *b, long ldb, \
                               float *c, long ldc, __mmask16 last, int accumulate) {                      \
        int i = 0;                                                                                        \
        for (; i + 6 <= m; i += 6) tile_6x##VECS(k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, last, accumulate); \
        const float *ai = a + i * ars;                                                                    \
        float *ci = c + i * ldc;                                                                          \
        switch (m - i) {                                                                                  \
        case 5: tile_5x##VECS(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;                 \
        case 4: tile_4x##VECS(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;                 \
        case 3: tile_3x##VECS(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;                 \
        case 2: tile_2x##VECS(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;                 \
        case 1: tile_1x##VECS(k, ai, ars, acs, b, ldb, ci, ldc, last, accumulate); break;                 \
        default: break;                                                                                   \
        }                                                                                                 \
    }
VK_ROWS(1)
VK_ROWS(2)
VK_ROWS(3)
VK_ROWS(4)

__attribute__((target("avx512f,fma")))
void vk_gemm_avx512(int m, int n, int k, const float *a, long ars, long acs, const float *b, long ldb,
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
#else
void vk_gemm_avx512(int m, int n, int k, const float *a, long ars, long acs, const float *b, long ldb,
                    float *c, long ldc, int accumulate) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float sum = accumulate ? c[i * ldc + j] : 0;
            for (int p = 0; p < k; p++) sum = __builtin_fmaf(a[i * ars + p * acs], b[p * ldb + j], sum);
            c[i * ldc + j] = sum;
        }
}
#endif

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
