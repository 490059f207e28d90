#ifndef VANISH_CPNG_H
#define VANISH_CPNG_H

#include <stddef.h>
#include <stdint.h>

/// Why a decode or encode failed (0 = it did not).
enum {
    VANISH_PNG_OK = 0,
    VANISH_PNG_TRUNCATED = 1,   // the data ended before the image did
    VANISH_PNG_CORRUPT = 2,     // libpng rejected the data (bad CRC, bad chunk, bad zlib stream...)
    VANISH_PNG_TOO_LARGE = 3,   // the header asks for more pixels than we accept
    VANISH_PNG_NO_MEMORY = 4,
};

/// A decoded image: 8-bit RGBA, straight alpha, rows top first, `width * 4` bytes each.
typedef struct {
    int status;
    uint32_t width;
    uint32_t height;
    /// Bit depth and colour type as stored in the file (IHDR), for reports.
    int bit_depth;
    int color_type;
    int interlaced;
    /// malloc'd; release with vanish_png_free.
    uint8_t *pixels;
    char message[256];
} vanish_png_decoded;

/// Decodes a whole PNG held in memory; `max_pixels` bounds width * height.
void vanish_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, vanish_png_decoded *out);

/// Encoded PNG bytes.
typedef struct {
    int status;
    uint8_t *bytes;
    size_t size;
    char message[256];
} vanish_png_encoded;

/// How the rows given to vanish_png_encode hold their pixels.
enum {
    VANISH_PNG_ROWS_RGBA = 0,          // 8-bit RGBA, straight alpha; written as RGBA
    VANISH_PNG_ROWS_RGBX = 1,          // 8-bit RGBA whose alpha is all 255; written as RGB
    VANISH_PNG_ROWS_CAIRO_OPAQUE = 2,  // Cairo ARGB32 words whose alpha is all 255; written as RGB
};

/// Encodes `height` rows of `width` pixels, `stride` bytes apart, laid out as `layout` says;
/// a non-zero `pixels_per_metre` is recorded in a pHYs chunk.
void vanish_png_encode(const uint8_t *pixels, size_t stride, uint32_t width, uint32_t height, int layout,
                       uint32_t pixels_per_metre, vanish_png_encoded *out);

void vanish_png_free(void *pointer);

#endif
