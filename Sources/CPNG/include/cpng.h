#ifndef VANISH_CPNG_H
#define VANISH_CPNG_H

#include <stddef.h>
#include <stdint.h>

#include "cpng_deflate.h"  // the hot loops of vanish's own PNG writer
#include "cpng_composite.h"  // compositing faded groups' layers
#include "cpng_fill.h"  // antialiased solid fills of polygons

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

/// Encodes 8-bit RGBA (straight alpha); drops the alpha channel when every pixel is opaque.
void vanish_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height, vanish_png_encoded *out);

void vanish_png_free(void *pointer);

#endif
