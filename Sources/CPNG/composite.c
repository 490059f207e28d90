// Compositing a faded group's layer: pixman's arithmetic for OVER with a solid mask, in C with
// an AVX2 path. See cpng_composite.h.
#include "cpng_composite.h"
#include "pixel_arithmetic.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2"))) static
#endif

// x · a / 255 for bytes, rounded as pixman (and Cairo) round: t = x·a + 128, (t + t/256) / 256.
static inline uint32_t mul_un8(uint32_t x, uint32_t a) {
    uint32_t t = x * a + 0x80;
    return (t + (t >> 8)) >> 8;
}

static void composite_row_c(uint32_t *dst, const uint32_t *src, int width, uint32_t alpha) {
    for (int x = 0; x < width; x++) {
        uint32_t s = src[x];
        if (s == 0) continue;
        // The source through the mask, then OVER: each channel plus the destination's times
        // 255 − the masked source's alpha, saturated at 255.
        uint32_t masked[4], d = dst[x], out = 0;
        for (int c = 0; c < 4; c++) masked[c] = mul_un8((s >> (8 * c)) & 0xFF, alpha);
        uint32_t inverse = 255 - masked[3];
        for (int c = 0; c < 4; c++) {
            uint32_t v = masked[c] + mul_un8((d >> (8 * c)) & 0xFF, inverse);
            out |= (v > 255 ? 255 : v) << (8 * c);
        }
        dst[x] = out;
    }
}

#if defined(__x86_64__)
// mul_un8 on 16 lanes of 16 bits.
AVX2 __m256i mul_un8_avx2(__m256i x, __m256i a) { return vanish_mul_div255(x, a, _mm256_set1_epi16(0x80)); }

// One half (4 pixels as 16-bit channels) of eight: the masked source, and the destination
// times 255 − its alpha.
AVX2 void over_half(__m256i *s, __m256i *d, __m256i alpha) {
    *s = mul_un8_avx2(*s, alpha);
    // Each pixel's alpha (channel 3) in all four of its lanes, then 255 − it.
    __m256i a = _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(*s, 0xFF), 0xFF);
    *d = mul_un8_avx2(*d, _mm256_xor_si256(a, _mm256_set1_epi16(0xFF)));
}

// Eight pixels: (s IN alpha) OVER d. Pixels whose source is 0 come out unchanged (0 + d · 255 / 255).
AVX2 __m256i over8(__m256i s, __m256i d, __m256i alpha) {
    const __m256i zero = _mm256_setzero_si256();
    __m256i slo = _mm256_unpacklo_epi8(s, zero), shi = _mm256_unpackhi_epi8(s, zero);
    __m256i dlo = _mm256_unpacklo_epi8(d, zero), dhi = _mm256_unpackhi_epi8(d, zero);
    over_half(&slo, &dlo, alpha);
    over_half(&shi, &dhi, alpha);
    return _mm256_adds_epu8(_mm256_packus_epi16(slo, shi), _mm256_packus_epi16(dlo, dhi));
}

AVX2 void composite_row_avx2(uint32_t *dst, const uint32_t *src, int width, uint32_t alpha) {
    const __m256i a = _mm256_set1_epi16((short)alpha);
    int x = 0;
    for (; x + 8 <= width; x += 8) {
        __m256i s = _mm256_loadu_si256((const __m256i *)(src + x));
        if (_mm256_testz_si256(s, s)) continue;
        __m256i d = _mm256_loadu_si256((const __m256i *)(dst + x));
        _mm256_storeu_si256((__m256i *)(dst + x), over8(s, d, a));
    }
    if (x == width) return;
    // The last 1–7 pixels, loaded and stored through a mask that touches nothing beyond the row.
    __m256i inside = _mm256_cmpgt_epi32(_mm256_set1_epi32(width - x), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256i s = _mm256_maskload_epi32((const int *)(src + x), inside);
    if (_mm256_testz_si256(s, s)) return;
    __m256i d = _mm256_maskload_epi32((const int *)(dst + x), inside);
    _mm256_maskstore_epi32((int *)(dst + x), inside, over8(s, d, a));
}
#endif

void vanish_composite_over_alpha(uint8_t *dst, size_t dst_stride, const uint8_t *src, size_t src_stride,
                                 int width, int height, uint8_t alpha, int simd) {
    for (int y = 0; y < height; y++) {
        uint32_t *d = (uint32_t *)(dst + (size_t)y * dst_stride);
        const uint32_t *s = (const uint32_t *)(src + (size_t)y * src_stride);
#if defined(__x86_64__)
        if (simd) {
            composite_row_avx2(d, s, width, alpha);
            continue;
        }
#endif
        composite_row_c(d, s, width, alpha);
    }
}
