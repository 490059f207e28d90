import COpenBLAS

/// The one place matrix products happen: `C = alpha · op(A) · op(B) + beta · C`, row-major Float32.
///
/// Everything else calls this function, so the BLAS behind it can be swapped in one place.
/// OpenBLAS is told once to use one thread: runs are parallel already, one per core.
@inline(__always)
func matrixProduct(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    _ = singleThreadedBLAS
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

/// Runs once, on first use (a global's initialiser is lazy and thread-safe).
private let singleThreadedBLAS: Void = openblas_set_num_threads(1)
