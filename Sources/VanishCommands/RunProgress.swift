import Foundation

/// A one-line progress bar on stderr while training: runs done, steps, elapsed and remaining time.
///
/// Drawn only when it is enabled (by default: stderr is a terminal); otherwise every call does
/// nothing, so logs and pipes see only the final list of files. A class because training's
/// worker threads share one bar; `lock` guards its counters.
public final class RunProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let runs: Int
    private var runsDone = 0
    private let start: Date
    private var done = 0
    private var total = 0
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let write: @Sendable (String) -> Void

    /// A bar for `runs` runs; `enabled` nil means "stderr is a terminal".
    public init(runs: Int, enabled: Bool? = nil, now: Date = Date(),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
        self.runs = runs
        self.start = now
        self.write = write
    }

    /// Whether the bar draws anything.
    public var isEnabled: Bool { enabled }

    /// Records `done` of `total` steps (all runs together).
    public func update(done: Int, total: Int, now: Date = Date()) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        self.done = max(self.done, done)
        self.total = total
        // More than ten redraws a second only cost time; the last step is always drawn.
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        drawn = true
        write("\r\u{1B}[2K" + text(now: now))
    }

    /// Records that `done` runs have finished.
    public func finishRun(done: Int, now: Date = Date()) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        runsDone = max(runsDone, done)
        drawn = true
        write("\r\u{1B}[2K" + text(now: now))
    }

    /// Replaces the bar with a short status (`rendering the report`), or clears it when `status` is nil.
    public func show(_ status: String?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drawn { write("\r\u{1B}[2K") }
        drawn = status != nil
        if let status { write(status) }
    }

    /// The bar's text for the current counters (no terminal control characters).
    public func line(now: Date = Date()) -> String {
        lock.lock()
        defer { lock.unlock() }
        return text(now: now)
    }

    private func text(now: Date) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        var s = "training \(bar) \(runsDone)/\(runs) runs · \(done)/\(total) steps · \(Self.clock(elapsed)) elapsed"
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
