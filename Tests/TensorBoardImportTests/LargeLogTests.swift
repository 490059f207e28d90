import Foundation
import GradientData
import Testing
import TestSupport
@testable import TensorBoardImport

/// A 100 000-step, 50-layer scalar log (10 M events, about 0.7 GB) imports in bounded memory.
///
/// Too large to write on every test run: set `VANISH_TENSORBOARD_LARGE_LOG` to a folder; the log is
/// written there once (kept for timing `vanish run --import` on it) and imported.
@Suite struct LargeLogTests {
    static let variable = "VANISH_TENSORBOARD_LARGE_LOG"
    static let steps = 100_000
    static let layers = 50

    /// Lightning's names: `grad_2.0_norm/layers.<k>.weight` and `.bias`, every step.
    static func writeLog(into folder: URL) throws -> URL {
        let file = folder.appendingPathComponent("version_0/events.out.tfevents.1700000000.large.1")
        if FileManager.default.fileExists(atPath: file.path) { return file }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var writer = EventFileWriter()
        let weightTags = (0..<layers).map { "grad_2.0_norm/layers.\($0).weight" }
        let biasTags = (0..<layers).map { "grad_2.0_norm/layers.\($0).bias" }
        for step in 0..<steps {
            for layer in 0..<layers {
                // Layer k's norm shrinks by 0.8 per layer towards the input, and drifts with the step.
                let weight = Float(pow(0.8, Double(layers - 1 - layer)) * (1 + 0.5 * sin(Double(step) / 1000)))
                writer.scalar(weightTags[layer], weight, step: Int64(step))
                writer.scalar(biasTags[layer], weight / 10, step: Int64(step))
            }
            writer.scalar("train_loss", Float(2 / (1 + Double(step) / 1000)), step: Int64(step))
            if step % 1000 == 999 { try handle.write(contentsOf: writer.take()) }
        }
        try handle.write(contentsOf: writer.take())
        return file
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[variable] != nil))
    func aTenMillionEventLogImportsBucketed() throws {
        let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment[Self.variable] ?? "")
        _ = try Self.writeLog(into: folder)
        let start = Date()
        let result = try TensorBoardImport.load(folder.path)
        let seconds = Date().timeIntervalSince(start)
        print("imported \(Self.steps) steps x \(Self.layers) layers in \(seconds) s")
        let run = try #require(result.history.runs.first)
        #expect(run.layers == (0..<Self.layers).map { "layers.\($0)" })
        let layout = StepBuckets(recordedSteps: Self.steps, maxRows: ExperimentSpec.defaultMaxRecordedSteps)
        #expect(run.stepsPerBucket == layout.stepsPerBucket && run.steps.count == layout.rows && run.settings.steps == Self.steps - 1)
        #expect(run.stats.weightGradNorm.allSatisfy { $0.count == Self.layers })
        #expect(abs(run.stats.weightGradNorm[0][Self.layers - 1] - 1) < 0.02)
        #expect(result.warnings.isEmpty)
    }
}
