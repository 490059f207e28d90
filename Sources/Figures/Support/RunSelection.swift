import Graphics

/// Which runs the figures and report pages draw when a history holds too many to draw legibly.
///
/// Every run stays in the history and its files; only drawing is capped. A comparison of a few
/// networks draws every run. Beyond `limit` runs it draws the first seed of each network, and at
/// most `limit` networks, and the figure says so in a line under it; per-run figures and pages
/// follow the same runs.
public struct RunSelection: Sendable {
    /// The most runs a comparison figure or the report's per-run pages draw.
    public static let limit = 12

    /// The positions in the history of the runs to draw, in history order.
    public let shownIndices: [Int]
    /// The runs to draw, in history order.
    public let shown: [FigureRun]
    /// How many runs the history holds.
    public let total: Int
    /// One line saying what was left out (`showing the first seed of each network, the first 24 of
    /// 300 networks: 24 of 6000 runs`); nil when every run is drawn.
    public let note: String?

    public init(_ runs: [FigureRun], limit: Int = RunSelection.limit) {
        total = runs.count
        guard runs.count > limit else {
            shownIndices = Array(runs.indices)
            shown = runs
            note = nil
            return
        }
        var seenNetworks: Set<String> = []
        var firstSeeds: [Int] = []
        for (index, run) in runs.enumerated() where seenNetworks.insert(run.run.network).inserted { firstSeeds.append(index) }
        let networks = firstSeeds.count
        let seedsSummarised = firstSeeds.count < runs.count
        shownIndices = Array((seedsSummarised ? firstSeeds : Array(runs.indices)).prefix(limit))
        shown = shownIndices.map { runs[$0] }
        var parts: [String] = []
        if seedsSummarised { parts.append("the first seed of each network") }
        if networks > limit { parts.append("the first \(limit) of \(networks) networks") }
        if !seedsSummarised && networks <= limit { parts.append("the first \(limit) runs") }
        note = "showing " + parts.joined(separator: ", ") + ": \(shown.count) of \(runs.count) runs"
    }

    /// How many runs are not drawn.
    public var leftOut: Int { total - shown.count }

    /// `scene` with the note, if any, in a line of muted text under it.
    public func annotate(_ scene: Scene, style: FigureStyle, measurer: TextMeasurer) -> Scene {
        guard let note else { return scene }
        let size = style.labelSize
        let margin = size * 0.8
        let textStyle = style.text(size, color: style.mutedTextColor)
        var out = scene
        out.width = max(scene.width, measurer.measure(note, style: textStyle).width + 2 * margin)
        out.height = scene.height + size * 2
        out.text(note, at: Point(margin, scene.height + size * 1.3), style: textStyle)
        return out
    }
}
