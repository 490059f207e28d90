#ifndef VANISH_CPNG_DEFLATE_H
#define VANISH_CPNG_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

/* The PNG writer's zlib coder and hot loops (CairoBackend's PNGWriter and RunLengthDeflate): the
   Up filter of opaque ARGB32 rows, Adler-32, the run scan, Huffman codes and the writing of blocks.
   Every function that takes `simd` uses AVX2 when it is non-zero (only pass what
   vanish_png_simd() returns, or 0) and plain C otherwise; both give the same bytes. */

/// 1 when this CPU and OS offer AVX2 (and BMI2), else 0.
int vanish_png_simd(void);

/// The Adler-32 checksum (RFC 1950) of `count` more bytes after `adler` (start with 1), as zlib's
/// `adler32` computes it.
uint32_t vanish_adler32(uint32_t adler, const uint8_t *bytes, size_t count, int simd);

/// The CRC-32 of PNG chunks and zlib (ISO 3309) of `count` more bytes after `crc` (start with 0),
/// as zlib's `crc32` computes it; with `simd`, by carry-less multiplication where the CPU has it.
uint32_t vanish_crc32(uint32_t crc, const uint8_t *bytes, size_t count, int simd);

/// Up-filters rows `first..<first + rows` of an opaque premultiplied ARGB32 image (rows of `width`
/// native-endian words, `stride` bytes apart, from `pixels`) into PNG lines of 8-bit RGB: each
/// line is the filter type 2 followed by every sample minus the one above (above the first row:
/// zeros). Writes exactly `rows * (1 + 3 * width)` bytes to `out` and returns `adler` updated
/// with them.
uint32_t vanish_png_filter_opaque(const uint8_t *pixels, size_t stride, size_t width, size_t first, size_t rows,
                                  uint8_t *out, uint32_t adler, int simd);

/// The most symbols an alphabet of deflate has (literal/length codes, with the 2 unused ones).
#define VANISH_HUFFMAN_MAX_SYMBOLS 288

/// Code lengths of at most `limit` bits (≤ 15) for `count` (≤ 288) symbols with these frequencies,
/// 0 for the unused ones: a Huffman tree built from the queues of leaves and
/// merged nodes (ties: leaf first, then lower symbol), lengths over `limit` folded back as in
/// miniz's `tdefl_huffman_enforce_max_code_size`, keeping the code complete.
void vanish_huffman_lengths(const uint32_t *frequency, size_t count, unsigned limit, uint8_t *lengths);

/// How many bytes past a position the scan may look at: a match's 258 bytes and the 66 bytes of
/// the wide literal test, with room to spare.
#define VANISH_DEFLATE_LOOKAHEAD 512

/// A zlib stream (RFC 1950/1951) being written; see RunLengthDeflate.swift for the coding.
typedef struct vanish_deflate vanish_deflate;

/// A new stream whose matches are at distance 1 and `pixel_bytes`, of blocks of `block_tokens`
/// tokens (at most 2^22), expected to be about `expected` bytes long. Its buffer starts with
/// `before` spare bytes (for whatever is to precede the stream).
vanish_deflate *vanish_deflate_create(size_t pixel_bytes, size_t expected, size_t before, size_t block_tokens, int simd);

/// Codes `input[start..<count]` (what comes before `start` is the input before it, at least
/// `pixel_bytes` bytes of it unless `start` is the input's start), or stops
/// VANISH_DEFLATE_LOOKAHEAD bytes before `count` unless these are the input's `final` bytes,
/// so that every decision sees the bytes it would see in the whole input; returns where it stopped.
size_t vanish_deflate_consume(vanish_deflate *stream, const uint8_t *input, size_t start, size_t count, int final);

/// Ends the stream with the input's Adler-32 and hands over its buffer in `*bytes` (free with
/// free()): the `before` spare bytes, the stream, and `after` spare bytes. Returns the stream's size.
size_t vanish_deflate_finish(vanish_deflate *stream, uint32_t adler, size_t after, uint8_t **bytes);

/// Frees what the stream holds (its buffer too unless finished).
void vanish_deflate_destroy(vanish_deflate *stream);

#endif
