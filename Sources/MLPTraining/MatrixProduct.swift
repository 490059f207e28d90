import CKernels
import COpenBLAS
import Foundation

/// The code that multiplies matrices during training.
public enum MatrixKernel: String, Sendable, CaseIterable {
    /// vanish's own kernel (`vk_gemm`, Sources/CKernels): AVX-512 register tiles of 6 rows × 64
    /// columns, or AVX2 + FMA tiles of 6 × 16; both give the same bits.
    case vanish = "vanish"
    /// OpenBLAS's `cblas_sgemm`, one thread.
    case openBLAS = "openblas"

    /// The kernel training prefers: `vanish` where the CPU has AVX2 + FMA or AVX-512F, else
    /// OpenBLAS; `training(m:n:k:)` gives the one it uses for a product of a given size.
    ///
    /// Measured with `GEMMBenchmark`, for the three products of a batch-64 layer: at width 64 the
    /// own kernel is faster than OpenBLAS 0.3.21 (OpenBLAS's small-matrix path and its packing cost
    /// more than the product itself), on a 2-core Xeon (AVX-512) and on a 2-core AMD EPYC Zen 3
    /// (AVX2: 68 % of the core's peak against 55 %, on a busy machine). `VANISH_GEMM=openblas`
    /// selects OpenBLAS throughout, for comparison.
    public static let training: MatrixKernel = {
        if ProcessInfo.processInfo.environment["VANISH_GEMM"] == "openblas" { return .openBLAS }
        return available.contains(.vanish) ? .vanish : .openBLAS
    }()

    /// The kernel training uses for an m × n × k product: `training`, except that the own kernel
    /// takes products of up to 2²⁰ multiply-adds only (a batch of 64 through a 128-wide layer).
    /// Larger products go to OpenBLAS, whose packed, cache-blocked kernels measured faster from
    /// width 256 on: AVX-512 about 105 GFLOP/s against 45–88 here; Zen 3 (AVX2) 65 % of the peak
    /// at width 256 and 72 % at 512 against 53 % and 38 % (the own kernel reads B unpacked).
    public static func training(m: Int, n: Int, k: Int) -> MatrixKernel {
        training == .vanish && m * n * k <= 1 << 20 ? .vanish : .openBLAS
    }

    /// The kernels this CPU can run.
    public static var available: [MatrixKernel] {
        vk_simd_level() >= 1 ? [.vanish, .openBLAS] : [.openBLAS]
    }
}

/// The one place matrix products happen: `C = alpha · op(A) · op(B) + beta · C`, row-major Float32.
///
/// Everything else calls this function, so the kernel behind it can be swapped in one place.
/// `kernel` nil: the one training uses for this size (`MatrixKernel.training(m:n:k:)`). The own
/// kernel takes the products with `B` untransposed, `alpha` 1 and `beta` 0 or 1; every other
/// product goes to OpenBLAS.
@inline(__always)
func matrixProduct(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, kernel: MatrixKernel? = nil
) {
    if kernel ?? MatrixKernel.training(m: m, n: n, k: k) == .vanish, !transposeB, alpha == 1, beta == 0 || beta == 1 {
        // Row-major A (m × k) is read as a[i·lda + p]; transposed (stored k × m), as a[p·lda + i].
        vk_gemm(Int32(m), Int32(n), Int32(k), a, transposeA ? 1 : lda, transposeA ? lda : 1,
                b, ldb, c, ldc, beta == 1 ? 1 : 0)
        return
    }
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

/// Sets OpenBLAS up for training; runs once, on first use (a global's initialiser is lazy and thread-safe).
/// `Experiment.run` calls it before its runs start, whether or not they use OpenBLAS. The command-line
/// tool calls it as it starts, so commands that never train (render, compare) do not share the
/// cores with OpenBLAS's spinning worker either.
public func configureBLAS() {
    _ = configuredBLAS
}

/// Runs once, on first use.
///
/// OpenBLAS is told to use one thread: runs are parallel already, one per core. The worker threads
/// its pthreads build started when the library loaded (one per core but the first) are then
/// stopped: each spins on `sched_yield` for about 2²⁸ clock ticks (0.1 s) before it sleeps, and on
/// a machine with two cores that spinning takes processor time from the runs that have just
/// started. With one thread OpenBLAS never hands them work, and `blas_thread_shutdown_` (exported,
/// the routine OpenBLAS runs before a fork) ends them; builds without that symbol are left alone.
/// OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its SSE3
/// `Prescott` kernels, about half as fast; when that happens on a CPU with AVX-512 or AVX2 and
/// the user has not chosen a core with `OPENBLAS_CORETYPE`, the matching kernels are selected
/// through OpenBLAS's exported re-initialisation (the same path `OPENBLAS_CORETYPE` takes).
private let configuredBLAS: Void = {
    openblas_set_num_threads(1)
    if let shutdown = dlsym(nil, "blas_thread_shutdown_") {
        typealias Shutdown = @convention(c) () -> Int32
        _ = unsafeBitCast(shutdown, to: Shutdown.self)()
    }
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
