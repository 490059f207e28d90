import ArgumentParser

@main
struct Vanish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vanish",
        abstract: "Train deep networks and draw how their gradients vanish.",
        subcommands: [
            TrainCommand.self,
        ])

    func run() throws {
        print("vanish")
    }
}
