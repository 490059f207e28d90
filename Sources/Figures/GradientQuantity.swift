import GradientData

/// Which per-layer gradient statistic a figure shows.
public enum GradientQuantity: String, Hashable, Sendable, CaseIterable {
    /// ‖dL/dW‖, the Frobenius norm of the weight gradient.
    case weightGradient
    /// ‖δ‖, the norm of the batch-mean of dL/dz (Nielsen's error signal).
    case delta

    /// The quantity as it is written in labels.
    public var symbol: String {
        switch self {
        case .weightGradient: return "‖dL/dW‖"
        case .delta: return "‖δ‖"
        }
    }

    /// `values[step][layer]` of this quantity in `run`.
    public func values(_ run: RunHistory) -> [[Float]] {
        switch self {
        case .weightGradient: return run.stats.weightGradNorm
        case .delta: return run.stats.deltaNorm
        }
    }
}
