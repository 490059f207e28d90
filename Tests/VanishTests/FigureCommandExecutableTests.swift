import Foundation
import Testing
import TestSupport

/// `vanish figure` as a user calls it: one file from one command, and one line with exit status 2 for a bad size,
/// theme, kind, network or step, with no file written.
@Suite("vanish figure (executable)")
struct FigureCommandExecutableTests {
    static func zoo() throws -> Data {
        try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("histories/zoo-small.json"))
    }

    @Test func badRequestsAreRefusedInOneLine() throws {
        let workspace = try BadInputExecutableTests.Workspace(["h.json": try Self.zoo()])
        let fading = ["figure", "fading", "h.json", "--network", "sigmoid"]
        try workspace.refuses(fading + ["--size", "0x0"], saying: ["--size '0x0'", "at least 1 pixel a side"])
        try workspace.refuses(fading + ["--size", "100000x100000"], saying: ["--size 100000x100000 is too large", "at most 12000"])
        try workspace.refuses(fading + ["--size", "abc"], saying: ["--size 'abc' is not a size", "16:9, 1920x1080"])
        try workspace.refuses(fading + ["--theme", "neon"], saying: ["unknown theme 'neon'", "light, dark, transparent, print"])
        try workspace.refuses(fading + ["--font-scale", "9"], saying: ["--font-scale 9 is out of range"])
        try workspace.refuses(fading + ["--step", "5000"], saying: ["--step 5000 is outside the history", "0 to 45"])
        try workspace.refuses(fading + ["--at", "120%"], saying: ["--at '120%' is outside training"])
        try workspace.refuses(["figure", "fadnig", "h.json"], saying: ["unknown figure 'fadnig'", "did you mean \"fading\"?"])
        try workspace.refuses(["figure", "heatmap", "h.json"], saying: ["draws one network", "--network NAME"])
        try workspace.refuses(["figure", "heatmap", "h.json", "--network", "sigmod"], saying: ["unknown network 'sigmod'", "\"sigmoid\""])
        try workspace.refuses(fading + ["--out", "fading.jpg"], saying: ["fading.jpg", ".png, .svg, .pdf or .gif"])
        try workspace.refuses(fading + ["--out", "missing/fading.png"], saying: ["cannot write missing/fading.png", "folder", "does not exist"])
        try workspace.refuses(fading + ["--at", "50%", "--out", "fading.gif"], saying: ["--step and --at choose a still"])
        try workspace.refuses(["render", "h.json", "--out", "figs", "--theme", "sepia"], saying: ["unknown theme 'sepia'"])
        try workspace.refuses(["render", "h.json", "--out", "figs", "--size", "1x1"], saying: ["--size 1x1 is too small"])
    }

    @Test func oneCommandWritesOneFigureAtTheSizeAskedFor() throws {
        let workspace = try BadInputExecutableTests.Workspace(["h.json": try Self.zoo()])
        let outcome = try VanishExecutable.run(
            ["figure", "fading", "h.json", "--network", "sigmoid", "--step", "20", "--size", "1920x1080", "--theme", "dark"],
            in: workspace.root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "wrote fading-sigmoid-step20.png\n")
        #expect(outcome.stderr == "drawing step 20\n")
        let png = try Data(contentsOf: workspace.root.appendingPathComponent("fading-sigmoid-step20.png"))
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1920 && height == 1080)
    }
}
