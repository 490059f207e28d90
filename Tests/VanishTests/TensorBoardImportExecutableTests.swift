import Foundation
import Testing
import TestSupport

/// TensorBoard logs given to the built `vanish` binary: reports from PyTorch's event files, and one
/// line with exit status 2 for a damaged file or a log without gradients.
@Suite("vanish imports TensorBoard logs (executable)")
struct TensorBoardImportExecutableTests {
    static let runs = TestPaths.fixtures.appendingPathComponent("tensorboard/runs")
    static let firstFile = runs.appendingPathComponent("version_0/events.out.tfevents.1700000000.fixture.1")

    @Test func aLightningFolderBecomesAReportWithRenamedRuns() throws {
        let folder = try TestPaths.makeTemporaryFolder("vanish-tb-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try VanishExecutable.run(
            ["run", "--import", Self.runs.path, "--out", "report", "--format", "png",
             "--name", "version_0=lightning", "--name", "version_1=histograms"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr == "warning: run 'version_0': tags no rule reads (not imported): lr-SGD\n")
        #expect(outcome.stdout.contains("report/figures/heatmap-lightning.png"))
        #expect(outcome.stdout.contains("report/figures/heatmap-histograms.png"))
        let history = String(decoding: try Data(contentsOf: folder.appendingPathComponent("report/history.json")), as: UTF8.self)
        #expect(history.components(separatedBy: "\"layers\": [\"inp\", \"hidden\", \"out\"]").count == 3)
        #expect(history.contains("\"network\": \"lightning\"") && history.contains("\"network\": \"histograms\""))
    }

    @Test func damagedFilesAndLogsWithoutGradientsAreOneLineAndStatus2() throws {
        let bytes = try Data(contentsOf: Self.firstFile)
        var flipped = bytes
        flipped[3000] ^= 0x01
        let noGradients = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent(
            "tensorboard/no-gradients/events.out.tfevents.1700000000.fixture.1"))
        let workspace = try BadInputExecutableTests.Workspace([
            "flipped/events.out.tfevents.1": flipped,
            "truncated/events.out.tfevents.1": bytes.prefix(bytes.count / 2),
            "losses/events.out.tfevents.1": noGradients,
            "events.out.tfevents.notes": Data("not an event file\n".utf8),
            "notes.txt": Data("not an event file\n".utf8),
        ])
        try workspace.refuses(["run", "--import", "flipped", "--out", "out"],
                              saying: ["flipped/events.out.tfevents.1, byte ", "checksum", "does not match"])
        try workspace.refuses(["render", "truncated", "--out", "out"],
                              saying: ["truncated/events.out.tfevents.1, byte ", "truncated"])
        try workspace.refuses(["run", "--import", "losses", "--out", "out"],
                              saying: ["losses: no gradient tags (found: train_loss)"])
        try workspace.refuses(["render", "events.out.tfevents.notes", "--out", "out"],
                              saying: ["events.out.tfevents.notes: not a TensorBoard event file"])
        try workspace.refuses(["run", "--import", "notes.txt", "--out", "out"],
                              saying: ["--import takes a CSV gradient log (.csv) or a TensorBoard log", "notes.txt"])
        try workspace.refuses(["run", "--import", "losses", "--tags", "grad(", "--out", "out"],
                              saying: ["--tags: 'grad(' is not a regular expression"])
        try workspace.refuses(["run", "--import", "losses", "--name", "version_0", "--out", "out"],
                              saying: ["--name: 'version_0' is not OLD=NEW"])
    }
}
