import COpenBLAS
import Foundation

/// The one place matrix products happen: `C = alpha · op(A) · op(B) + beta · C`, row-major Float32.
///
/// Everything else calls this function, so the BLAS behind it can be swapped in one place.
@inline(__always)
func matrixProduct(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    _ = configuredBLAS
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

/// The name of the kernel set OpenBLAS uses (`SkylakeX`, `Haswell`, `Prescott`, ...).
public var blasCoreName: String {
    _ = configuredBLAS
    return openblas_get_corename().map { String(cString: $0) } ?? "unknown"
}

/// Runs once, on first use (a global's initialiser is lazy and thread-safe).
///
/// OpenBLAS is told to use one thread: runs are parallel already, one per core.
/// OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its SSE3
/// `Prescott` kernels, about half as fast; when that happens on a CPU with AVX-512 or AVX2 and
/// the user has not chosen a core with `OPENBLAS_CORETYPE`, the matching kernels are selected
/// through OpenBLAS's exported re-initialisation (the same path `OPENBLAS_CORETYPE` takes).
private let configuredBLAS: Void = {
    openblas_set_num_threads(1)
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
          let name = openblas_get_corename(), String(cString: name) == "Prescott",
          let core = CPUFeatures.bestOpenBLASCore(),
          let quit = dlsym(nil, "gotoblas_dynamic_quit"), let initialise = dlsym(nil, "gotoblas_dynamic_init")
    else { return }
    typealias Entry = @convention(c) () -> Void
    setenv("OPENBLAS_CORETYPE", core, 1)
    unsafeBitCast(quit, to: Entry.self)()
    unsafeBitCast(initialise, to: Entry.self)()
    unsetenv("OPENBLAS_CORETYPE")
}()

/// What the processor offers, read from /proc/cpuinfo (Linux).
enum CPUFeatures {
    /// `SkylakeX` with AVX-512, `Haswell` with AVX2 and FMA, else nil.
    static func bestOpenBLASCore() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let flags = Set(line.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }
}
