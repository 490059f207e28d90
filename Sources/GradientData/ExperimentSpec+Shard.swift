extension ExperimentSpec {
    /// How many runs the spec trains: one per (network, seed), sweep points counted as networks.
    public var runCount: Int { expandedNetworks.count * seeds.count }

    /// Run `index` in history order (networks, then seeds), as `Experiment` numbers its jobs.
    public func runKey(_ index: Int) -> ShardManifest.RunKey {
        let networks = expandedNetworks
        return ShardManifest.RunKey(index: index, network: networks[index / seeds.count].name, seed: seeds[index % seeds.count])
    }

    /// The runs of `shard`, in history order.
    public func runKeys(of shard: Shard) -> [ShardManifest.RunKey] {
        shard.runIndices(of: runCount).map(runKey)
    }

    /// SHA-256 of the spec's canonical JSON (the text history.json holds under `spec`), as 64 hex digits.
    ///
    /// Shards of one spec carry the same hash; a shard of another spec, or of the same file with
    /// another `--seed`, does not, and merging refuses it.
    public var specHash: String { SHA256.hex(Array(jsonData())) }
}
