#ifndef VANISH_CPNG_DEFLATE_H
#define VANISH_CPNG_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

/* The hot loops of vanish's PNG writer (CairoBackend's PNGWriter and RunLengthDeflate): the Up
   filter of opaque ARGB32 rows, Adler-32, the run scan and the writing of a block's tokens.
   Every function that takes `simd` uses AVX2 when it is non-zero (only pass what
   vanish_png_simd() returns, or 0) and plain C otherwise; both give the same bytes. */

/// 1 when this CPU and OS offer AVX2, else 0.
int vanish_png_simd(void);

/// Bits written least significant first, as deflate packs them. Between calls `used` < 8: the
/// bits not yet in a whole byte wait in `pending`; `bytes` always has 8 bytes to spare after `count`.
typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
    uint64_t pending;
    unsigned used;
} vanish_bits;

/// An empty writer with room for about `capacity` bytes (it grows when needed).
void vanish_bits_init(vanish_bits *writer, size_t capacity);
/// Appends the low `n` bits of `bits` (n ≤ 32; the bits above `n` must be zero).
void vanish_bits_write(vanish_bits *writer, uint64_t bits, unsigned n);
/// Pads with zero bits to the next byte boundary.
void vanish_bits_align(vanish_bits *writer);
/// Frees the bytes.
void vanish_bits_free(vanish_bits *writer);

/// The Adler-32 checksum (RFC 1950) of `count` more bytes after `adler` (start with 1), as zlib's
/// `adler32` computes it.
uint32_t vanish_adler32(uint32_t adler, const uint8_t *bytes, size_t count, int simd);

/// Up-filters rows `first..<first + rows` of an opaque premultiplied ARGB32 image (rows of `width`
/// native-endian words, `stride` bytes apart, from `pixels`) into PNG lines of 8-bit RGB: each
/// line is the filter type 2 followed by every sample minus the one above (above the first row:
/// zeros). Writes exactly `rows * (1 + 3 * width)` bytes to `out` and returns `adler` updated
/// with them.
uint32_t vanish_png_filter_opaque(const uint8_t *pixels, size_t stride, size_t width, size_t first, size_t rows,
                                  uint8_t *out, uint32_t adler, int simd);

/// Tokenises `input` for deflate from `start` until `*token_count` reaches `capacity` or the position
/// reaches `stop`, and returns where it stopped (a match may take it past `stop`, not past `count`).
/// `count` bytes are there; a position's tokens are those of the whole input when `stop` is
/// `count` or at least 324 bytes before it. At each position: the longest run (up to 258 bytes, at
/// least 3) that repeats the byte before or, only if longer, the byte `distance` before (whose
/// distance code is `distance_symbol`); else a literal. A literal token is its byte; a match is
/// `kind << 16 | (256 + length)`, kind 1 for distance 1 and 2 for `distance`. Counts each token's symbol in `literal_frequency` (286
/// entries) and each match's distance code in `distance_frequency` (30); `length_code` maps each
/// match length 0…258 to its length code (0…28).
size_t vanish_deflate_scan(const uint8_t *input, size_t start, size_t count, size_t stop, size_t distance,
                           unsigned distance_symbol, uint32_t *tokens, size_t *token_count,
                           size_t capacity, uint32_t *literal_frequency, uint32_t *distance_frequency,
                           const uint8_t *length_code, int simd);

/// Writes tokens made by vanish_deflate_scan. Each table entry is a code's bits (low 32 bits,
/// extra bits included) and their count (high 32 bits): `symbol` for the 256 bytes then the
/// lengths 0…258 (515 entries), `distance_one` for distance 1 and `distance_other` for the other.
void vanish_deflate_write_tokens(vanish_bits *writer, const uint32_t *tokens, size_t count,
                                 const uint64_t *symbol, uint64_t distance_one, uint64_t distance_other);

#endif
