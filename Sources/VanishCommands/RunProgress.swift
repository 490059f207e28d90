import Foundation

/// A one-line progress bar on stderr while training: runs done, steps, elapsed and remaining time.
///
/// Drawn only when stderr is a terminal and the user did not ask for quiet output; otherwise
/// every call does nothing, so logs and pipes see only the final list of files.
/// A class because the training threads share one bar; `lock` guards its counters.
public final class RunProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let totalRuns: Int
    private let totalSteps: Int
    private var stepsPerRun: [Int]
    private var finishedRuns = 0
    private let start: Date
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let write: @Sendable (String) -> Void

    /// A bar for `runSteps.count` runs of `runSteps[i]` steps each; `enabled` nil means "stderr is a terminal".
    public init(runSteps: [Int], enabled: Bool? = nil, now: Date = Date(),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
        self.totalRuns = runSteps.count
        self.totalSteps = max(1, runSteps.reduce(0, +))
        self.stepsPerRun = Array(repeating: 0, count: runSteps.count)
        self.start = now
        self.write = write
    }

    /// Records that run `index` has finished `step` of its steps.
    public func update(run index: Int, step: Int, now: Date = Date()) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        guard stepsPerRun.indices.contains(index) else { return }
        stepsPerRun[index] = max(stepsPerRun[index], step)
        // Redrawing more than ten times a second only costs time.
        if now.timeIntervalSince(lastDraw) >= 0.1 { draw(now: now) }
    }

    /// Records that run `index` is complete.
    public func finish(run index: Int, now: Date = Date()) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        finishedRuns += 1
        draw(now: now)
    }

    /// Replaces the bar with a short status (`rendering figures…`), or clears it when `status` is nil.
    public func end(_ status: String? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drawn { write("\r\u{1B}[2K") }
        if let status { write(status) ; drawn = true } else { drawn = false }
    }

    /// The bar's text for the current counters (no terminal control characters).
    public func line(now: Date = Date()) -> String {
        lock.lock()
        defer { lock.unlock() }
        return text(now: now)
    }

    private func draw(now: Date) {
        lastDraw = now
        drawn = true
        write("\r\u{1B}[2K" + text(now: now))
    }

    private func text(now: Date) -> String {
        let done = stepsPerRun.reduce(0, +)
        let fraction = min(1, Double(done) / Double(totalSteps))
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        var s = "training \(bar) \(finishedRuns)/\(totalRuns) runs · \(done)/\(totalSteps) steps · \(Self.clock(elapsed)) elapsed"
        if fraction > 0.02 && fraction < 1 {
            s += " · \(Self.clock(elapsed / fraction - elapsed)) left"
        }
        return s
    }

    /// Seconds as `m:ss` (or `h:mm:ss`).
    public static func clock(_ seconds: Double) -> String {
        let total = Int(max(0, seconds).rounded())
        let h = total / 3600, m = (total / 60) % 60, s = total % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}
