import Foundation
import Graphics

/// Small scenes with known content for the backend tests.
enum SampleScenes {
    static let red = Color(red: 1, green: 0, blue: 0)
    static let blue = Color(red: 0, green: 0, blue: 1)

    /// A 2 × 2 image: red, green / blue, yellow.
    static let quad: RasterImage = {
        var image = RasterImage(width: 2, height: 2)
        image[0, 0] = Color(red: 1, green: 0, blue: 0)
        image[1, 0] = Color(red: 0, green: 1, blue: 0)
        image[0, 1] = Color(red: 0, green: 0, blue: 1)
        image[1, 1] = Color(red: 1, green: 1, blue: 0)
        return image
    }()

    /// Text (with a superscript exponent), shapes, a dashed stroke, a group and an image.
    static func mixed() -> Scene {
        var scene = Scene(width: 320, height: 200)
        scene.fill(.rectangle(Rect(x: 20, y: 20, width: 60, height: 40)), Color(rgb8: 0x44, 0x01, 0x54))
        scene.stroke(.circle(center: Point(130, 40), radius: 22), StrokeStyle(color: red, width: 3))
        scene.stroke(
            .polyline([Point(20, 80), Point(120, 80), Point(170, 110)]),
            StrokeStyle(color: .black, width: 1.5, dash: [6, 3], cap: .round, join: .round))
        scene.append(.image(quad, rect: Rect(x: 200, y: 20, width: 100, height: 100), interpolation: .nearest))
        scene.text("Gradient 10⁻¹² of the output", at: Point(20, 140), style: TextStyle(size: 14))
        scene.text("layer", at: Point(12, 100), style: TextStyle(size: 10, anchor: .middle, baseline: .middle), rotation: -Double.pi / 2)
        scene.text("bold, end-anchored", at: Point(300, 175), style: TextStyle(size: 12, weight: .bold, anchor: .end))
        scene.append(.group(
            [.fill(.rectangle(Rect(x: 240, y: 60, width: 60, height: 60)), blue)],
            clip: Rect(x: 200, y: 20, width: 80, height: 80), opacity: 0.5))
        return scene
    }
}
