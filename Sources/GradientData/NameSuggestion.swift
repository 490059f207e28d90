/// The valid name a mistyped one was probably meant to be (`depht` → `depth`).
public enum NameSuggestion {
    /// The candidate closest to `name`, if it is close enough to be a typo of it.
    ///
    /// Close means: equal ignoring case, or at most max(1, length / 3) edits away (two for names of
    /// six letters or more), where an edit inserts, deletes or replaces a letter or swaps two
    /// neighbours. Ties go to the earlier candidate, so the answer never depends on hashing.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        if let same = candidates.first(where: { $0.lowercased() == lowered }) { return same }
        let limit = max(1, min(2, name.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance <= limit && distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// `; did you mean "depth"?` or "" when nothing is close.
    public static func hint(for name: String, among candidates: [String]) -> String {
        closest(to: name, among: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }

    /// Insertions, deletions, replacements and swaps of neighbours that turn `a` into `b`
    /// (optimal string alignment distance).
    ///
    /// - Complexity: O(a.count × b.count).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var before = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    d = min(d, before[j - 2] + 1)
                }
                current[j] = d
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }
}
