import Testing
import Graphics

@Suite struct PathTests {
    @Test func rectangleHasFourCornersAndCloses() {
        let p = Path.rectangle(Rect(x: 1, y: 2, width: 3, height: 4))
        #expect(p.elements.count == 5)
        #expect(p.elements.first == .move(to: Point(1, 2)))
        #expect(p.elements[2] == .line(to: Point(4, 6)))
        #expect(p.elements.last == .close)
    }

    @Test func placeScalesStrokeWidthAndText() {
        var inner = Scene(width: 10, height: 10, background: nil)
        inner.stroke(.polyline([Point(0, 0), Point(10, 0)]), StrokeStyle(color: .black, width: 2))
        inner.text("a", at: Point(5, 5), style: TextStyle(size: 10))
        var outer = Scene(width: 100, height: 100)
        outer.place(inner, at: Point(20, 30), scale: 2)
        guard case .group(let items, let clip, _) = outer.items[0] else {
            Issue.record("expected a group")
            return
        }
        #expect(clip == Rect(x: 20, y: 30, width: 20, height: 20))
        #expect(items[0] == .stroke(.polyline([Point(20, 30), Point(40, 30)]), StrokeStyle(color: .black, width: 4)))
        #expect(items[1] == .text("a", at: Point(30, 40), style: TextStyle(size: 20), rotation: 0))
    }
}
