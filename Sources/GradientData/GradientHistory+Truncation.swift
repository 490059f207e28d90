extension RunHistory {
    /// The run as it was recorded up to training step `step`: rows after it dropped, test results after it
    /// dropped, a divergence after it forgotten. Figures drawn from it show that step as "the end".
    ///
    /// Test accuracy is kept for the epochs finished by `step` (`steps` ÷ `epochs` updates each); a run
    /// whose length was given in steps keeps the share of its entries that `step` reaches.
    /// At or after the last recorded step the run is returned whole: that step is the end of training.
    public func truncated(atStep step: Int) -> RunHistory {
        if let last = steps.last, step >= last { return self }
        let rows = steps.prefix { $0 <= step }.count
        var out = self
        out.steps = Array(steps.prefix(rows))
        func cut(_ table: [[Float]]) -> [[Float]] { Array(table.prefix(rows)) }
        out.stats = LayerStats(
            weightGradNorm: cut(stats.weightGradNorm), biasGradNorm: cut(stats.biasGradNorm), deltaNorm: cut(stats.deltaNorm),
            activationMean: cut(stats.activationMean), activationStd: cut(stats.activationStd),
            saturatedFraction: cut(stats.saturatedFraction), deadFraction: cut(stats.deadFraction),
            updateRatio: cut(stats.updateRatio), weightGradNormMin: cut(stats.weightGradNormMin),
            weightGradNormMax: cut(stats.weightGradNormMax))
        out.loss = Array(loss.prefix(rows))
        out.trainAccuracy = Array(trainAccuracy.prefix(rows))
        // Test accuracy is measured after each epoch: keep the epochs finished once step `step`'s
        // update is made (steps count from 0, so the last step ends the last epoch).
        let done = settings.steps > 0 ? (Double(max(0, step)) + 1) / Double(settings.steps) * Double(testAccuracy.count) : 0
        out.testAccuracy = Array(testAccuracy.prefix(min(testAccuracy.count, Int(min(done, Double(testAccuracy.count)).rounded(.down)))))
        if let diverged, diverged > step { out.diverged = nil }
        if var time {
            time.hiddenGradNorm = cut(time.hiddenGradNorm)
            time.cellGradNorm = cut(time.cellGradNorm)
            time.gateMean = cut(time.gateMean)
            time.saturatedFraction = cut(time.saturatedFraction)
            let evaluations = time.evaluationSteps.prefix { $0 <= step }.count
            time.evaluationSteps = Array(time.evaluationSteps.prefix(evaluations))
            time.testMetric = Array(time.testMetric.prefix(evaluations))
            // The spectral norm is known at the start and the end of training only; the end is not this step.
            time.recurrentSpectralNorm = Array(time.recurrentSpectralNorm.prefix(1))
            out.time = time
        }
        return out
    }
}

extension GradientHistory {
    /// Every run cut at training step `step` (see `RunHistory.truncated(atStep:)`).
    public func truncated(atStep step: Int) -> GradientHistory {
        var out = self
        out.runs = runs.map { $0.truncated(atStep: step) }
        return out
    }
}
