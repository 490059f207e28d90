import CKernels
import GradientData

extension MatrixKernel {
    /// What decides the last bits of training's products on this machine, as a shard records it:
    /// the kernel training prefers, OpenBLAS's kernel set, and the vector unit of vanish's own kernels.
    public static var identity: ShardManifest.Kernel {
        let level = vk_simd_level()
        return ShardManifest.Kernel(matrix: training.rawValue, openBLASCore: blasCoreName,
                                    vectorUnit: level >= 2 ? "avx512" : level == 1 ? "avx2" : "none")
    }
}
