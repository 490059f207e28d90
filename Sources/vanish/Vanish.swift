import ArgumentParser

@main
struct Vanish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vanish",
        abstract: "Train deep networks and draw how their gradients vanish.",
        subcommands: [
            RunCommand.self,
            PresetsCommand.self,
            TrainCommand.self,
        ],
        defaultSubcommand: RunCommand.self)
}
