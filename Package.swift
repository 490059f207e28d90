// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vanish",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vanish", targets: ["vanish"]),
        .library(name: "GradientData", targets: ["GradientData"]),
        .library(name: "MLPTraining", targets: ["MLPTraining"]),
        .library(name: "RecurrentTraining", targets: ["RecurrentTraining"]),
        .library(name: "Graphics", targets: ["Graphics"]),
        .library(name: "Figures", targets: ["Figures"]),
        .library(name: "MeanFieldTheory", targets: ["MeanFieldTheory"]),
        .library(name: "CairoBackend", targets: ["CairoBackend"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "GoldenImage", targets: ["GoldenImage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C libraries from the system (Debian: libcairo2-dev, libopenblas-dev, zlib1g-dev).
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev", "libfreetype-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // libpng through a small C target: libpng reports errors by longjmp, which
        // only C can catch. CLibPNG only finds the library (pkg-config `libpng`).
        .systemLibrary(
            name: "CLibPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .target(
            name: "CPNG",
            dependencies: ["CLibPNG"]),
        // SHA-256 for compare's hash libraries and the spec hash of shards (Debian: libssl-dev).
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]),
        // Animated GIFs (Debian: libgif-dev); giflib has no pkg-config file.
        .systemLibrary(
            name: "CGIF",
            providers: [.apt(["libgif-dev"]), .brew(["giflib"])]),

        .target(
            name: "GradientData",
            dependencies: ["CZlib", "CCrypto"],
            resources: [.copy("Resources/digits.csv.gz")]),
        // TensorBoard event files as a GradientHistory. Only swift-protobuf's library: the message
        // types are generated once from Proto/*.proto and committed (see Proto/README.md).
        .target(
            name: "TensorBoardImport",
            dependencies: ["GradientData", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto/event.proto", "Proto/summary.proto", "Proto/tensor.proto", "Proto/README.md"]),
        // Hand-written AVX-512 and AVX2 kernels (chosen at run time from CPUID) for the training hot loops.
        .target(name: "CKernels"),
        .target(
            name: "MLPTraining",
            dependencies: ["GradientData", "COpenBLAS", "CKernels"]),
        // Recurrent networks (tanh, relu, LSTM, GRU) trained through time; MLPTraining lends its optimisers.
        .target(
            name: "RecurrentTraining",
            dependencies: ["GradientData", "MLPTraining", "COpenBLAS", "CKernels"]),
        .target(name: "Graphics"),
        // Signal propagation in wide random networks (q*, χ₁, c*, depth scales), pure Swift.
        .target(name: "MeanFieldTheory"),
        .target(
            name: "Figures",
            dependencies: ["Graphics", "GradientData", "MeanFieldTheory"]),
        .target(
            name: "CairoBackend",
            dependencies: ["Graphics", "CCairo", "CPNG", "CGIF"],
            resources: [
                .copy("Resources/DejaVuSans.ttf"),
                .copy("Resources/DejaVuSans-Bold.ttf"),
                .copy("Resources/DejaVu-LICENSE.txt"),
            ]),
        .target(
            name: "Reporting",
            dependencies: ["Figures", "Graphics", "GradientData", "MeanFieldTheory"]),
        .target(
            name: "GoldenImage",
            dependencies: ["CairoBackend", "Graphics", "GradientData"]),
        // Everything the CLI does, as library functions the tests can call.
        .target(
            name: "VanishCommands",
            dependencies: [
                "GradientData", "MLPTraining", "RecurrentTraining", "Graphics", "Figures",
                "CairoBackend", "Reporting", "GoldenImage", "TensorBoardImport",
            ]),
        .executableTarget(
            name: "vanish",
            dependencies: [
                "VanishCommands",
                "MLPTraining",
                "TensorBoardImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .target(
            name: "TestSupport",
            dependencies: ["GradientData", "CairoBackend", "GoldenImage", "Graphics"],
            path: "Tests/TestSupport"),
        .testTarget(name: "GradientDataTests", dependencies: ["GradientData", "TestSupport"]),
        .testTarget(
            name: "TensorBoardImportTests",
            dependencies: ["TensorBoardImport", "GradientData", "TestSupport",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .testTarget(name: "MLPTrainingTests", dependencies: ["MLPTraining", "CKernels", "GradientData", "TestSupport"]),
        .testTarget(name: "RecurrentTrainingTests", dependencies: ["RecurrentTraining", "GradientData", "TestSupport"]),
        .testTarget(name: "GraphicsTests", dependencies: ["Graphics", "TestSupport"]),
        .testTarget(name: "MeanFieldTheoryTests", dependencies: ["MeanFieldTheory"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Graphics", "CairoBackend", "GoldenImage", "TestSupport", "VanishCommands"]),
        .testTarget(name: "CairoBackendTests", dependencies: ["CairoBackend", "Graphics", "TestSupport", "CZlib", "CCairo", "CPNG"]),
        .testTarget(name: "GoldenImageTests", dependencies: ["GoldenImage", "CairoBackend", "Graphics", "Figures", "GradientData", "VanishCommands", "vanish", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Figures", "CairoBackend", "VanishCommands", "GradientData", "TestSupport"]),
        .testTarget(name: "VanishTests", dependencies: ["vanish", "VanishCommands", "CairoBackend", "Figures", "Graphics", "GradientData", "TestSupport"]),
    ]
)
